import { getServices } from "@/lib/composition/root";
import { adjustStock } from "../../../../_contract/admin";
import { handle, otherMethods } from "../../../../_lib/handle";
import { actorOf, withFieldPaths } from "../../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** One stock adjustment; removing more than is in stock is a 422 on body.delta, with nothing written. */
export const POST = handle(adjustStock, async ({ params, body, user, signal }) => {
  const note = body.note?.trim() ? body.note.trim() : null;
  const { stock } = await withFieldPaths({ variantId: "params.variantId" }, () =>
    getServices().admin.stock.adjust(actorOf(user), { variantId: params.variantId, delta: body.delta, reason: body.reason, note }, signal),
  );
  return {
    status: 201,
    body: { variantId: params.variantId, delta: body.delta, reason: body.reason, note, stock },
  };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
