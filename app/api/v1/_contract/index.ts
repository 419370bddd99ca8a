import type { Endpoint } from "../_lib/endpoint";
import { ADMIN_ENDPOINTS } from "./admin";
import { AUTH_ENDPOINTS } from "./auth";
import { CART_ENDPOINTS } from "./cart";
import { CATALOG_ENDPOINTS } from "./catalog";
import { ORDERS_ENDPOINTS } from "./orders";
import { SYSTEM_ENDPOINTS } from "./system";

/** Every endpoint of /api/v1: what the OpenAPI document lists. */
export const ENDPOINTS: readonly Endpoint[] = [
  ...SYSTEM_ENDPOINTS,
  ...AUTH_ENDPOINTS,
  ...CATALOG_ENDPOINTS,
  ...CART_ENDPOINTS,
  ...ORDERS_ENDPOINTS,
  ...ADMIN_ENDPOINTS,
];
