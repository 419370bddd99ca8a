import type { Money } from "./money";

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  readonly stock: number;
}

export type Availability = { kind: "in_stock" } | { kind: "low"; left: number } | { kind: "sold_out" };

export const LOW_STOCK_THRESHOLD = 5;

export function availability(stock: number): Availability {
  if (stock <= 0) return { kind: "sold_out" };
  if (stock <= LOW_STOCK_THRESHOLD) return { kind: "low", left: stock };
  return { kind: "in_stock" };
}
