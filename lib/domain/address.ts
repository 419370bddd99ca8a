import { z } from "zod";
import { AppError } from "./errors";
import { fieldIssues } from "./validation";

/**
 * The countries the shop ships to (ISO 3166-1 alpha-2), with the postal code
 * shape each one uses. Kept short on purpose: adding a country means knowing
 * its postal codes and shipping to it.
 */
export const SHIPPING_COUNTRIES = [
  { code: "US", name: "United States", postalCode: /^\d{5}(?:-\d{4})?$/, example: "94107", postalCodeFirst: false },
  { code: "CA", name: "Canada", postalCode: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/, example: "K1A 0B1", postalCodeFirst: false },
  { code: "GB", name: "United Kingdom", postalCode: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, example: "SW1A 1AA", postalCodeFirst: false },
  { code: "IE", name: "Ireland", postalCode: /^[A-Z]\d[\dW] ?[A-Z\d]{4}$/, example: "D02 X285", postalCodeFirst: false },
  { code: "FR", name: "France", postalCode: /^\d{5}$/, example: "75001", postalCodeFirst: true },
  { code: "DE", name: "Germany", postalCode: /^\d{5}$/, example: "10115", postalCodeFirst: true },
  { code: "NL", name: "Netherlands", postalCode: /^\d{4} ?[A-Z]{2}$/, example: "1012 AB", postalCodeFirst: true },
  { code: "ES", name: "Spain", postalCode: /^\d{5}$/, example: "28001", postalCodeFirst: true },
  { code: "IT", name: "Italy", postalCode: /^\d{5}$/, example: "00184", postalCodeFirst: true },
  { code: "AU", name: "Australia", postalCode: /^\d{4}$/, example: "2000", postalCodeFirst: false },
] as const;

export type ShippingCountryCode = (typeof SHIPPING_COUNTRIES)[number]["code"];

const COUNTRY_CODES = SHIPPING_COUNTRIES.map((c) => c.code) as [ShippingCountryCode, ...ShippingCountryCode[]];

export function countryName(code: string): string {
  return SHIPPING_COUNTRIES.find((c) => c.code === code)?.name ?? code;
}

/**
 * Where an order goes. `country` is a plain ISO code rather than the list's
 * union: orders keep the country they were placed with even if the shop
 * stops shipping there.
 */
export interface ShippingAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

/** The sizes of the orders.ship_* columns: a longer value could not be stored. */
export const ADDRESS_MAX_LENGTH = { name: 100, line1: 200, line2: 200, city: 100, postalCode: 20 } as const;

// Control characters and bidirectional overrides: nothing a label printer or a
// courier can use, and the overrides can make an address read differently
// from how it is stored.
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
// Half of a surrogate pair on its own cannot be encoded as UTF-8 for PostgreSQL.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** NFC so "é" typed two ways is stored one way; runs of whitespace (tabs, newlines) become one space. */
function tidy(value: string): string {
  return value.normalize("NFC").replace(/\s+/g, " ").trim();
}

function text(missing: string, max: number) {
  return z
    .string({ message: missing })
    .refine((s) => !LONE_SURROGATE.test(s), "Contains characters we cannot read")
    .transform(tidy)
    .pipe(
      z
        .string()
        .min(1, missing)
        .max(max, `At most ${max} characters`)
        .refine((s) => !UNPRINTABLE.test(s), "Contains characters we cannot print on a label"),
    );
}

/** Per-field rules, shared by every form that takes an address and by the use case. */
export const shippingAddressFields = {
  name: text("Enter the name of the person receiving the parcel", ADDRESS_MAX_LENGTH.name),
  line1: text("Enter the street address", ADDRESS_MAX_LENGTH.line1),
  // Optional: a form sends "", a stored address has null.
  line2: z
    .string()
    .nullish()
    .refine((s) => s == null || !LONE_SURROGATE.test(s), "Contains characters we cannot read")
    .transform((s) => tidy(s ?? ""))
    .pipe(
      z
        .string()
        .max(ADDRESS_MAX_LENGTH.line2, `At most ${ADDRESS_MAX_LENGTH.line2} characters`)
        .refine((s) => !UNPRINTABLE.test(s), "Contains characters we cannot print on a label"),
    )
    .transform((s) => (s === "" ? null : s)),
  city: text("Enter the town or city", ADDRESS_MAX_LENGTH.city),
  postalCode: text("Enter the postal code", ADDRESS_MAX_LENGTH.postalCode).transform((s) => s.toUpperCase()),
  country: z.enum(COUNTRY_CODES, { message: "Choose a country we ship to" }),
};

/**
 * Adds the rule no single field can check: the postal code fits its country.
 * It runs even when other fields failed, so every message shows at once.
 */
function postalCodeFitsCountry(value: unknown, ctx: z.RefinementCtx): void {
  const { country, postalCode } = (value ?? {}) as { country?: unknown; postalCode?: unknown };
  const spec = SHIPPING_COUNTRIES.find((c) => c.code === country);
  if (!spec || typeof postalCode !== "string") return;
  const code = tidy(postalCode).toUpperCase();
  // Empty or too long already has its own message.
  if (code === "" || code.length > ADDRESS_MAX_LENGTH.postalCode) return;
  if (!spec.postalCode.test(code)) {
    ctx.addIssue({ code: "custom", path: ["postalCode"], message: `Enter a ${spec.name} postal code, like ${spec.example}` });
  }
}

/**
 * A strict object schema of the address fields plus `extra` fields (e.g. a
 * form's hidden key), with the postal code checked against the country. Edges
 * build their form schemas with it, so a form and the use case cannot disagree.
 */
export function addressSchema<E extends z.ZodRawShape>(extra: E) {
  return z
    .object({ ...shippingAddressFields, ...extra })
    .strict()
    .superRefine(postalCodeFitsCountry, { when: () => true });
}

export const shippingAddressSchema = addressSchema({});

/** Validates an address from any caller; AppError("validation") with a message per field otherwise. */
export function parseShippingAddress(input: unknown): ShippingAddress {
  const parsed = shippingAddressSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError("validation", "The shipping address is not valid", { fields: fieldIssues(parsed.error, { whole: "shipTo" }) });
}

/** The address as lines for a label, an email or a page, in the order the country writes them. */
export function addressLines(address: ShippingAddress): string[] {
  const spec = SHIPPING_COUNTRIES.find((c) => c.code === address.country);
  const locality = spec?.postalCodeFirst ? `${address.postalCode} ${address.city}` : `${address.city} ${address.postalCode}`;
  return [address.name, address.line1, ...(address.line2 ? [address.line2] : []), locality, countryName(address.country)];
}
