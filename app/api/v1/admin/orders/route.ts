import { encodeCursor, type AdminOrderRow } from "@/lib/application/admin/orders";
import { getServices } from "@/lib/composition/root";
import { listOrders } from "../../_contract/admin";
import { handle } from "../../_lib/handle";
import { actorOf, withFieldPaths } from "../_lib/admin-json";

export const dynamic = "force-dynamic";

const QUERY_PATHS = { status: "query.status", from: "query.from", to: "query.to", email: "query.email", after: "query.cursor", form: "query" };

/**
 * Keyset pages (created_at desc, id asc), so inserts never shift a page. The
 * back office's list has a fixed page size: its pages are read until `limit`
 * orders are in hand, and the cursor names the last order returned.
 */
export const GET = handle(listOrders, async ({ query, user, signal }) => {
  const orders = getServices().admin.orders;
  const actor = actorOf(user);
  const items: AdminOrderRow[] = [];
  let after = query.cursor;
  let more = true;
  while (more && items.length < query.limit) {
    const page = await withFieldPaths(QUERY_PATHS, () =>
      orders.list(actor, { status: query.status, from: query.from, to: query.to, email: query.email, after }, signal),
    );
    items.push(...page.items);
    more = page.next !== null && page.items.length > 0;
    after = page.next ?? undefined;
  }
  const shown = items.slice(0, query.limit);
  const last = shown[shown.length - 1];
  const next = last && (items.length > shown.length || more) ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return {
    status: 200,
    body: {
      items: shown.map((o) => ({
        id: o.id,
        status: o.status,
        customerEmail: o.customerEmail,
        total: { amountMinor: o.total.amountMinor, currency: o.total.currency },
        refundDue: o.refundDue,
        createdAt: o.createdAt.toISOString(),
      })),
      next,
    },
  };
});
