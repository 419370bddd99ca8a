import { z } from "zod";
import { addressSchema, type ShippingAddress } from "@/lib/domain/address";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";

// Both schemas are strict (addressSchema makes them so): an unexpected field is
// an error, not silently dropped.

/** Step 1: the shipping address form. */
export const shippingAddressFormSchema = addressSchema({});
export type ShippingAddressForm = z.infer<typeof shippingAddressFormSchema>;

const EXPIRED = "This checkout form expired; reload the page.";

/**
 * Step 2: "Place order". It re-posts the address the review showed (hidden
 * fields), validated again here; the total only lets the use case notice a
 * cart that changed since the review, it is never what gets charged.
 */
export const placeOrderFormSchema = addressSchema({
  checkoutKey: z.uuid({ message: EXPIRED }),
  reviewedTotalMinor: z
    .string({ message: EXPIRED })
    .regex(/^\d{1,10}$/, EXPIRED)
    .transform(Number)
    .pipe(z.number().max(MAX_AMOUNT_MINOR, EXPIRED)),
});
export type PlaceOrderForm = z.infer<typeof placeOrderFormSchema>;

export const ADDRESS_FIELDS = ["name", "line1", "line2", "city", "postalCode", "country"] as const;

/** An address as the strings a form carries (no null). */
export function addressFormValues(address: ShippingAddress): Record<(typeof ADDRESS_FIELDS)[number], string> {
  return { ...address, line2: address.line2 ?? "" };
}
