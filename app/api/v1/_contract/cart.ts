import type { Endpoint } from "../_lib/endpoint";

/** The cart endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const CART_ENDPOINTS: readonly Endpoint[] = [];
