import type { Money } from "./money";

/**
 * A product's options and variants as the shop shows them (ADR 016): what a
 * shopper picks from on the product page. Pure, so the page's picker (in the
 * browser) and the server agree on which variant a choice names.
 */

/** An option and its values, in the back office's order: "Size": S, M, L. */
export interface ProductOption {
  readonly name: string;
  readonly values: readonly string[];
}

/** A live variant: its own SKU, price (its override or the product's) and stock, and one value per option, in option order. */
export interface VariantView {
  readonly id: string;
  readonly sku: string;
  readonly price: Money;
  readonly stock: number;
  readonly values: readonly string[];
}

/** A choice of values by option name ("Size" → "M"); options not chosen yet are absent. */
export type OptionChoice = Readonly<Record<string, string>>;

/** The variant the choice names, when every option is chosen and that combination is sold; else null. */
export function variantFor(options: readonly ProductOption[], variants: readonly VariantView[], choice: OptionChoice): VariantView | null {
  if (options.some((o) => choice[o.name] === undefined)) return null;
  return variants.find((v) => options.every((o, i) => v.values[i] === choice[o.name])) ?? null;
}

/** What a value can be picked as, given the other options' chosen values. */
export type ValueState = "available" | "sold_out" | "unavailable";

/**
 * For each option's values: "unavailable" when no variant holds it with the
 * other options' chosen values (the combination is not sold), "sold_out" when
 * such variants exist but none has stock, else "available".
 */
export function valueStates(options: readonly ProductOption[], variants: readonly VariantView[], choice: OptionChoice): ValueState[][] {
  return options.map((option, i) =>
    option.values.map((value) => {
      const matching = variants.filter(
        (v) => v.values[i] === value && options.every((o, j) => j === i || choice[o.name] === undefined || v.values[j] === choice[o.name]),
      );
      if (matching.length === 0) return "unavailable";
      return matching.some((v) => v.stock > 0) ? "available" : "sold_out";
    }),
  );
}

/**
 * The choice a page opens with: the values asked for (e.g. from the URL),
 * where they name a value of the option, completed from the first variant in
 * stock that agrees with them (else the first that agrees, else the first).
 */
export function initialChoice(options: readonly ProductOption[], variants: readonly VariantView[], asked: OptionChoice): OptionChoice {
  const valid: Record<string, string> = {};
  for (const o of options) {
    const value = asked[o.name];
    if (value !== undefined && o.values.includes(value)) valid[o.name] = value;
  }
  const agrees = (v: VariantView) => options.every((o, i) => valid[o.name] === undefined || v.values[i] === valid[o.name]);
  const base = variants.find((v) => agrees(v) && v.stock > 0) ?? variants.find(agrees) ?? variants[0];
  if (!base) return valid;
  return Object.fromEntries(options.map((o, i) => [o.name, valid[o.name] ?? base.values[i]!]));
}

/** The lowest and highest price of the variants; null without variants. */
export function priceRange(variants: readonly Pick<VariantView, "price">[]): { min: Money; max: Money } | null {
  if (variants.length === 0) return null;
  let min = variants[0]!.price;
  let max = min;
  for (const v of variants) {
    if (v.price.amountMinor < min.amountMinor) min = v.price;
    if (v.price.amountMinor > max.amountMinor) max = v.price;
  }
  return { min, max };
}

/** The URL parameter of an option: its name in lower case, words joined by "-" ("Size" → "size", "Leg colour" → "leg-colour"). */
export function optionParam(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");
}

/** A choice read from URL parameters (one per option, by optionParam). */
export function choiceFromParams(options: readonly ProductOption[], params: { get(name: string): string | null }): OptionChoice {
  const choice: Record<string, string> = {};
  for (const o of options) {
    const value = params.get(optionParam(o.name));
    if (value !== null) choice[o.name] = value;
  }
  return choice;
}
