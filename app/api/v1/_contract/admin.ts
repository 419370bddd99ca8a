import type { Endpoint } from "../_lib/endpoint";

/** The admin endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const ADMIN_ENDPOINTS: readonly Endpoint[] = [];
