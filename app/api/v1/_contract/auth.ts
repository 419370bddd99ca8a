import type { Endpoint } from "../_lib/endpoint";

/** The auth endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const AUTH_ENDPOINTS: readonly Endpoint[] = [];
