import { getServices } from "@/lib/composition/root";
import { getStockLedger } from "../../../_contract/admin";
import { handle, otherMethods } from "../../../_lib/handle";
import { actorOf, ledgerJson, withFieldPaths } from "../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The product's stock and threshold with a page of its ledger, newest first (the use case's page size). */
export const GET = handle(getStockLedger, async ({ params, query, user, signal }) => {
  const { product, entries } = await withFieldPaths({ variantId: "params.variantId", page: "query.page" }, () =>
    getServices().admin.stock.ledger(actorOf(user), params.variantId, query.page, signal),
  );
  return { status: 200, body: ledgerJson(product, entries) };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
