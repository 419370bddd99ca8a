import type { Metadata } from "next";
import { requireAdminPage } from "../_lib/admin";

export const metadata: Metadata = { title: "Dashboard" };

export default async function AdminDashboardPage() {
  await requireAdminPage("/admin");
  return <h1 className="text-2xl font-semibold">Dashboard</h1>;
}
