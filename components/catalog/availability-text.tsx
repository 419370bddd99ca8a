import { availability } from "@/lib/domain/catalog";

/** "In stock", "Only 3 left" or "Sold out": the one wording for stock, on cards and product pages. */
export function availabilityLabel(stock: number): string {
  const a = availability(stock);
  return a.kind === "sold_out" ? "Sold out" : a.kind === "low" ? `Only ${a.left} left` : "In stock";
}

export function AvailabilityText({ stock, className, testId }: { stock: number; className?: string; testId?: string }) {
  const kind = availability(stock).kind;
  const tone = kind === "sold_out" ? "text-red-700" : kind === "low" ? "text-amber-800" : "text-green-800";
  return (
    <span className={`${tone} ${className ?? ""}`} data-testid={testId}>
      {availabilityLabel(stock)}
    </span>
  );
}
