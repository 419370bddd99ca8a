import { formatMoney, type Money } from "@/lib/domain/money";

export function Price({ value, className }: { value: Money; className?: string }) {
  return <span className={className}>{formatMoney(value)}</span>;
}
