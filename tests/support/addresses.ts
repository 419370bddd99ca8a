import type { ShippingAddress } from "@/lib/domain/address";

/** A valid address for tests that need one but are not about addresses. */
export const SHIP_TO: ShippingAddress = {
  name: "Ada Lovelace",
  line1: "12 Hill Street",
  line2: null,
  city: "San Francisco",
  postalCode: "94107",
  country: "US",
};
