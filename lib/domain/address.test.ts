import { describe, expect, it } from "vitest";
import { z } from "zod";
import { addressLines, addressSchema, parseShippingAddress, shippingAddressSchema } from "./address";
import { isAppError } from "./errors";

const valid = { name: "Ada Lovelace", line1: "12 Hill St", line2: "", city: "San Francisco", postalCode: "94107", country: "US" };

function errorsOf(input: unknown): Record<string, string> {
  const result = shippingAddressSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("shipping address validation", () => {
  it("accepts a complete address, trims it, and turns an empty line 2 into null", () => {
    expect(shippingAddressSchema.parse({ ...valid, name: "  Ada   Lovelace ", postalCode: " 94107-1234 " })).toEqual({
      name: "Ada Lovelace",
      line1: "12 Hill St",
      line2: null,
      city: "San Francisco",
      postalCode: "94107-1234",
      country: "US",
    });
    expect(shippingAddressSchema.parse({ ...valid, line2: undefined }).line2).toBeNull();
  });

  it("names every missing field at once, each with its own message", () => {
    expect(errorsOf({ name: "", line1: " ", city: "", postalCode: "", country: "" })).toEqual({
      name: "Enter the name of the person receiving the parcel",
      line1: "Enter the street address",
      city: "Enter the town or city",
      postalCode: "Enter the postal code",
      country: "Choose a country we ship to",
    });
    expect(Object.keys(errorsOf({}))).toEqual(["name", "line1", "city", "postalCode", "country"]);
  });

  it("refuses values longer than the order columns hold, counted after trimming", () => {
    expect(errorsOf({ ...valid, name: "x".repeat(101), line1: "y".repeat(201), line2: "z".repeat(201), city: "c".repeat(101) })).toEqual({
      name: "At most 100 characters",
      line1: "At most 200 characters",
      line2: "At most 200 characters",
      city: "At most 100 characters",
    });
    expect(errorsOf({ ...valid, name: ` ${"x".repeat(100)}  ` })).toEqual({});
    expect(errorsOf({ ...valid, postalCode: "9".repeat(21) })).toMatchObject({ postalCode: "At most 20 characters" });
  });

  it("keeps letters of any script and emoji, normalised to NFC", () => {
    const decomposed = "Zoe\u0308 Łukasiewicz-Núñez";
    const parsed = shippingAddressSchema.parse({ ...valid, name: decomposed, line1: "東京都港区 1-2-3 🏠", city: "Zürich" });
    expect(parsed.name).toBe("Zo\u00eb Łukasiewicz-Núñez");
    expect(parsed.line1).toBe("東京都港区 1-2-3 🏠");
  });

  it("turns tabs and newlines into spaces but refuses other control characters and direction overrides", () => {
    expect(shippingAddressSchema.parse({ ...valid, line1: "12\tHill\r\nSt" }).line1).toBe("12 Hill St");
    expect(errorsOf({ ...valid, name: "Ada\u0000", city: "Evil\u202Egnp.exe" })).toEqual({
      name: "Contains characters we cannot print on a label",
      city: "Contains characters we cannot print on a label",
    });
    expect(errorsOf({ ...valid, line1: "half a pair \uD83D" })).toEqual({ line1: "Contains characters we cannot read" });
  });

  it("checks the postal code against the country, and upper-cases it", () => {
    expect(errorsOf({ ...valid, postalCode: "ABC" })).toEqual({ postalCode: "Enter a United States postal code, like 94107" });
    expect(shippingAddressSchema.parse({ ...valid, country: "GB", postalCode: "sw1a 1aa" }).postalCode).toBe("SW1A 1AA");
    expect(shippingAddressSchema.parse({ ...valid, country: "NL", postalCode: "1012ab" }).postalCode).toBe("1012AB");
    expect(errorsOf({ ...valid, country: "DE", postalCode: "1011" })).toEqual({ postalCode: "Enter a Germany postal code, like 10115" });
  });

  it("reports the postal code mismatch even when another field is missing too", () => {
    expect(errorsOf({ ...valid, name: "", postalCode: "ABC" })).toEqual({
      name: "Enter the name of the person receiving the parcel",
      postalCode: "Enter a United States postal code, like 94107",
    });
  });

  it("refuses countries the shop does not ship to, wrong types and unknown fields", () => {
    expect(errorsOf({ ...valid, country: "XX" })).toEqual({ country: "Choose a country we ship to" });
    expect(errorsOf({ ...valid, country: "us" })).toEqual({ country: "Choose a country we ship to" });
    expect(Object.keys(errorsOf({ ...valid, name: 42 }))).toEqual(["name"]);
    expect(errorsOf({ ...valid, isAdmin: "true" })).toHaveProperty("");
    expect(shippingAddressSchema.safeParse(null).success).toBe(false);
    expect(shippingAddressSchema.safeParse("12 Hill St").success).toBe(false);
  });

  it("lets a form add its own fields while keeping the address rules and strictness", () => {
    const form = addressSchema({ checkoutKey: z.uuid() });
    const key = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";
    expect(form.parse({ ...valid, checkoutKey: key })).toMatchObject({ checkoutKey: key, line2: null });
    const result = form.safeParse({ ...valid, postalCode: "ABC", checkoutKey: "x" });
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join("."))).toEqual(["checkoutKey", "postalCode"]);
    expect(form.safeParse({ ...valid, checkoutKey: key, extra: "1" }).success).toBe(false);
  });
});

describe("parseShippingAddress", () => {
  it("throws a validation AppError with a message per field", () => {
    try {
      parseShippingAddress({ ...valid, city: "", postalCode: "nope" });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, "validation")).toBe(true);
      expect((error as { fields: { path: string; message: string }[] }).fields).toEqual([
        { path: "city", message: "Enter the town or city" },
        { path: "postalCode", message: "Enter a United States postal code, like 94107" },
      ]);
    }
  });
});

describe("addressLines", () => {
  it("writes the locality the way the country does", () => {
    const us = shippingAddressSchema.parse(valid);
    expect(addressLines(us)).toEqual(["Ada Lovelace", "12 Hill St", "San Francisco 94107", "United States"]);
    const de = shippingAddressSchema.parse({ ...valid, line2: "Hinterhaus", city: "Berlin", postalCode: "10115", country: "DE" });
    expect(addressLines(de)).toEqual(["Ada Lovelace", "12 Hill St", "Hinterhaus", "10115 Berlin", "Germany"]);
  });
});
