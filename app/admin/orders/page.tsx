import type { Metadata } from "next";
import Link from "next/link";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import type { AdminOrderListResult } from "@/lib/application/admin/orders";
import { isAppError } from "@/lib/domain/errors";
import { OrdersFilters } from "@/components/admin/orders-filters";
import { OrdersTable } from "@/components/admin/orders-table";

export const metadata: Metadata = { title: "Orders" };
export const dynamic = "force-dynamic";

const FIELDS = ["status", "from", "to", "email", "after"] as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminOrdersPage({ searchParams }: Props) {
  const raw = await searchParams;
  // Only the known fields, one value each (a repeated parameter keeps its first value).
  const values: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = raw[f];
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === "string" && first !== "") values[f] = first;
  }
  const query = new URLSearchParams(values).toString();
  const admin = await requireAdminPage(`/admin/orders${query ? `?${query}` : ""}`);

  let result: AdminOrderListResult | null = null;
  let errors: Record<string, string> = {};
  try {
    result = await getServices().admin.orders.list(admin, values);
  } catch (error) {
    if (!isAppError(error, "validation")) throw error;
    errors = Object.fromEntries(error.fields.map((f) => [f.path, f.message]));
  }
  const { after: _after, ...filters } = values;
  const nextHref = result?.next ? `/admin/orders?${new URLSearchParams({ ...filters, after: result.next })}` : null;
  const firstHref = `/admin/orders${Object.keys(filters).length ? `?${new URLSearchParams(filters)}` : ""}`;

  return (
    <section aria-labelledby="orders-heading" className="space-y-4">
      <h1 id="orders-heading" className="text-2xl font-semibold">
        Orders
      </h1>
      <OrdersFilters values={filters} errors={errors} />
      {errors.after ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.after} <Link href={firstHref} className="underline">First page</Link>
        </p>
      ) : null}
      {result ? (
        <>
          <OrdersTable orders={result.items} />
          <nav aria-label="Pagination" className="flex gap-4 text-sm">
            {values.after ? (
              <Link href={firstHref} className="text-indigo-700 underline">
                First page
              </Link>
            ) : null}
            {nextHref ? (
              <Link href={nextHref} rel="next" className="text-indigo-700 underline">
                Next page
              </Link>
            ) : null}
          </nav>
        </>
      ) : Object.keys(errors).some((k) => k !== "after") ? (
        <p role="alert" className="text-sm text-red-700">
          Please correct the highlighted filters.
        </p>
      ) : null}
    </section>
  );
}
