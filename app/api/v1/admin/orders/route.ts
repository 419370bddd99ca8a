import { getServices } from "@/lib/composition/root";
import { listOrders } from "../../_contract/admin";
import { handle, otherMethods } from "../../_lib/handle";
import { actorOf, withFieldPaths } from "../_lib/admin-json";

export const dynamic = "force-dynamic";

const QUERY_PATHS = { status: "query.status", from: "query.from", to: "query.to", email: "query.email", after: "query.cursor", form: "query" };

/** Keyset pages (created_at desc, id asc), so inserts never shift a page: one query per page. */
export const GET = handle(listOrders, async ({ query, user, signal }) => {
  const { items, next } = await withFieldPaths(QUERY_PATHS, () =>
    getServices().admin.orders.list(
      actorOf(user),
      { status: query.status, from: query.from, to: query.to, email: query.email, after: query.cursor, limit: query.limit },
      signal,
    ),
  );
  return {
    status: 200,
    body: {
      items: items.map((o) => ({
        id: o.id,
        status: o.status,
        customerEmail: o.customerEmail,
        total: { amountMinor: o.total.amountMinor, currency: o.total.currency },
        refundDue: o.refundDue,
        createdAt: o.createdAt.toISOString(),
        version: o.version,
      })),
      next,
    },
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
