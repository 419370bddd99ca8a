import { describe, expect, it } from "vitest";
import { addressFormValues, placeOrderFormSchema, shippingAddressFormSchema } from "@/app/checkout/schemas";
import { SHIP_TO } from "@/tests/support/addresses";

const KEY = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";
const form = { ...addressFormValues(SHIP_TO), checkoutKey: KEY, reviewedTotalMinor: "2995" };

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("checkout form schemas", () => {
  it("round-trips a stored address through the form's strings", () => {
    expect(shippingAddressFormSchema.parse(addressFormValues(SHIP_TO))).toEqual(SHIP_TO);
  });

  it("reads the place-order form: key, reviewed total as a number, and the address", () => {
    expect(placeOrderFormSchema.parse(form)).toEqual({ ...SHIP_TO, checkoutKey: KEY, reviewedTotalMinor: 2995 });
  });

  it("calls a tampered key or total an expired form, never a crash", () => {
    const expired = "This checkout form expired; reload the page.";
    for (const checkoutKey of ["", "not-a-uuid", "../../etc/passwd", `${KEY}${KEY}`, "'; DROP TABLE orders; --"]) {
      expect(issues(placeOrderFormSchema.safeParse({ ...form, checkoutKey }))).toEqual({ checkoutKey: expired });
    }
    for (const reviewedTotalMinor of ["", "-1", "1.5", "1e9", "99999999999", "0x10", " 12"]) {
      expect(issues(placeOrderFormSchema.safeParse({ ...form, reviewedTotalMinor }))).toEqual({ reviewedTotalMinor: expired });
    }
    const { checkoutKey: _k, ...withoutKey } = form;
    expect(issues(placeOrderFormSchema.safeParse(withoutKey))).toEqual({ checkoutKey: expired });
  });

  it("refuses a tampered hidden address and unexpected fields", () => {
    expect(issues(placeOrderFormSchema.safeParse({ ...form, name: "x".repeat(5000) }))).toEqual({ name: "At most 100 characters" });
    expect(Object.keys(issues(placeOrderFormSchema.safeParse({ ...form, totalMinor: "1" })))).toEqual([""]);
    expect(Object.keys(issues(shippingAddressFormSchema.safeParse({ ...addressFormValues(SHIP_TO), checkoutKey: KEY })))).toEqual([""]);
  });
});
