import type { Metadata } from "next";
import Link from "next/link";
import { requireAdminPage } from "../_lib/admin";

export const metadata: Metadata = { title: { default: "Back office", template: "%s · Back office" }, robots: { index: false } };

const SECTIONS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/products", label: "Products" },
  { href: "/admin/stock", label: "Stock" },
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/users", label: "Users" },
] as const;

/**
 * The back office's frame. The check here only decides what to render: layouts
 * and pages render independently, so every admin page, action and route
 * handler checks the role itself (app/_lib/admin.ts), and so do the use cases.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdminPage("/admin");
  return (
    <div className="space-y-6">
      <nav aria-label="Back office" className="flex flex-wrap gap-x-4 gap-y-1 border-b border-slate-200 pb-3 text-sm">
        <span className="font-semibold text-slate-700">Back office</span>
        {SECTIONS.map((s) => (
          <Link key={s.href} href={s.href} className="text-indigo-700 hover:underline">
            {s.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
