import { getServices } from "@/lib/composition/root";
import { reconcilePayments } from "../../../_contract/admin";
import { handle, otherMethods } from "../../../_lib/handle";
import { actorOf } from "../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The processor's books against the shop's; orders still settling are counted, not compared. */
export const GET = handle(reconcilePayments, async ({ query, user, signal }) => {
  const r = await getServices().admin.reconcilePayments(actorOf(user), { since: query.since ? new Date(query.since) : undefined }, signal);
  return {
    status: 200,
    body: {
      since: r.since.toISOString(),
      checkedOrders: r.checkedOrders,
      settlingOrders: r.settlingOrders,
      differences: r.differences.map((d) => ({ orderId: d.orderId, shopMinor: d.shopMinor, processorMinor: d.processorMinor })),
    },
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
