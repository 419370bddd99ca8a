import type { Endpoint } from "../_lib/endpoint";

/** The catalog endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const CATALOG_ENDPOINTS: readonly Endpoint[] = [];
