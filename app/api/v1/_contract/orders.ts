import type { Endpoint } from "../_lib/endpoint";

/** The orders endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const ORDERS_ENDPOINTS: readonly Endpoint[] = [];
