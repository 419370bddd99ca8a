"use client";

import { useSearchParams } from "next/navigation";
import { AvailabilityText } from "@/components/catalog/availability-text";
import { Price } from "@/components/money";
import type { Money } from "@/lib/domain/money";
import {
  choiceFromParams,
  initialChoice,
  optionParam,
  valueStates,
  variantFor,
  type OptionChoice,
  type ProductOption,
  type VariantView,
} from "@/lib/domain/variants";
import { AddToCartForm } from "./add-to-cart-form";

export interface PurchaseProps {
  productId: string;
  slug: string;
  sku: string;
  price: Money;
  options: readonly ProductOption[];
  variants: readonly VariantView[];
}

/** The purchase panel with the choice the URL asks for (?size=M&wood=Oak): read in the browser, as the page is cached for everyone. */
export function VariantPurchaseFromUrl(props: PurchaseProps) {
  const params = useSearchParams();
  return <VariantPurchase {...props} asked={choiceFromParams(props.options, params)} />;
}

/**
 * Price, SKU, availability and add-to-cart for the chosen variant. Every
 * value stays selectable: one that is not made with the other options' values
 * (marked) moves them to a variant that holds it; a sold-out one is marked,
 * and the button says so. The choice lives in the URL only (a choice writes
 * it with history.replaceState, which Next.js hands back through
 * useSearchParams), so it can be shared and survives a reload.
 */
export function VariantPurchase({ productId, slug, sku, price, options, variants, asked }: PurchaseProps & { asked: OptionChoice }) {
  const choice = initialChoice(options, variants, asked);
  const variant = variantFor(options, variants, choice);
  const states = valueStates(options, variants, choice);

  const choose = (name: string, value: string) => {
    let next: OptionChoice = { ...choice, [name]: value };
    if (!variantFor(options, variants, next)) next = initialChoice(options, variants, { [name]: value });
    const url = new URL(window.location.href);
    for (const o of options) url.searchParams.set(optionParam(o.name), next[o.name]!);
    // No navigation: Next.js keeps useSearchParams in step with history.replaceState.
    window.history.replaceState(null, "", url);
  };

  return (
    <div>
      <p className="mt-1 text-sm text-slate-600" data-testid="sku">
        SKU {variant?.sku ?? sku}
      </p>
      <Price value={variant?.price ?? price} className="mt-4 block text-xl font-semibold" />
      <p className="mt-1 text-sm" aria-live="polite">
        {variant ? <AvailabilityText stock={variant.stock} testId="availability" /> : <span data-testid="availability">Not available in this combination</span>}
      </p>
      {options.map((option, i) => (
        <fieldset key={option.name} className="mt-4">
          <legend className="text-sm font-medium">
            {option.name}: <span className="font-normal">{choice[option.name]}</span>
          </legend>
          <div className="mt-2 flex flex-wrap gap-2">
            {option.values.map((value, j) => {
              const state = states[i]![j]!;
              const id = `option-${i}-${j}`;
              const note = state === "sold_out" ? "sold out" : state === "unavailable" ? "not in this combination" : null;
              return (
                <label
                  key={value}
                  htmlFor={id}
                  data-state={state}
                  className={`cursor-pointer rounded border px-3 py-1 text-sm has-[:checked]:border-indigo-700 has-[:checked]:ring-2 has-[:checked]:ring-indigo-700 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 ${
                    state === "available" ? "border-slate-300" : "border-dashed border-slate-300 text-slate-500"
                  } ${state === "unavailable" ? "line-through" : ""}`}
                >
                  <input
                    id={id}
                    type="radio"
                    className="sr-only"
                    name={`option-${optionParam(option.name)}`}
                    value={value}
                    checked={choice[option.name] === value}
                    onChange={() => choose(option.name, value)}
                  />
                  {value}
                  {note ? <span className="sr-only"> ({note})</span> : null}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
      <div className="mt-6">
        <AddToCartForm productId={productId} variantId={variant?.id ?? null} slug={slug} soldOut={!variant || variant.stock <= 0} />
      </div>
    </div>
  );
}
