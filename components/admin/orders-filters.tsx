import Link from "next/link";
import { ORDER_STATUSES, ORDER_STATUS_LABELS } from "@/lib/domain/order";

const input = "rounded border border-slate-300 bg-white px-2 py-1.5";

/**
 * The order list's filters: a plain GET form, so every filter lives in the URL
 * (links, reloads and Back reproduce the list). Submitting starts at the first page.
 */
export function OrdersFilters({ values, errors }: { values: Record<string, string>; errors: Record<string, string> }) {
  const field = (name: string) => ({
    id: `filter-${name}`,
    name,
    defaultValue: values[name] ?? "",
    "aria-invalid": errors[name] ? (true as const) : undefined,
    "aria-describedby": errors[name] ? `filter-${name}-error` : undefined,
  });
  const message = (name: string) =>
    errors[name] ? (
      <p id={`filter-${name}-error`} className="text-sm text-red-700">
        {errors[name]}
      </p>
    ) : null;
  return (
    <form
      key={JSON.stringify(values)}
      method="get"
      action="/admin/orders"
      role="search"
      aria-label="Filter orders"
      autoComplete="off"
      className="flex flex-wrap items-start gap-3 text-sm"
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="filter-status" className="font-medium">
          Status
        </label>
        <select {...field("status")} className={input}>
          <option value="">Any status</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {ORDER_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        {message("status")}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="filter-from" className="font-medium">
          Placed from
        </label>
        <input type="date" {...field("from")} className={input} />
        {message("from")}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="filter-to" className="font-medium">
          Placed until
        </label>
        <input type="date" {...field("to")} className={input} />
        {message("to")}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="filter-email" className="font-medium">
          Customer email
        </label>
        <input type="search" {...field("email")} maxLength={254} placeholder="e.g. ada@ or ada@example.com" className={input} />
        {message("email")}
      </div>
      {/* Below the labels' line, level with the fields. */}
      <div className="flex items-center gap-3 pt-6">
        <button type="submit" className="rounded bg-indigo-700 px-4 py-1.5 font-medium text-white hover:bg-indigo-800">
          Filter
        </button>
        <Link href="/admin/orders" className="text-indigo-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
