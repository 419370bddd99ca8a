import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { ROLES } from "@/lib/domain/user";
import { AdminPager } from "@/components/admin/pager";
import { UsersTable } from "@/components/admin/users-table";
import { setUserRoleAction } from "./actions";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1);
const queryParam = z.string().trim().max(100).catch("");
const roleParam = z.enum(ROLES).optional().catch(undefined);

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const ROLE_FILTERS = [
  { value: "", label: "Everyone" },
  { value: "admin", label: "Admins" },
  { value: "customer", label: "Customers" },
] as const;

export default async function AdminUsersPage({ searchParams }: { searchParams: SearchParams }) {
  const admin = await requireAdminPage("/admin/users");
  const params = await searchParams;
  const q = queryParam.parse(first(params.q) ?? "");
  const role = roleParam.parse(first(params.role) || undefined);
  const page = pageParam.parse(first(params.page) ?? 1);
  const result = await getServices().admin.users.list(admin, { query: q, role, page });
  const href = (p: number) => {
    const sp = new URLSearchParams();
    if (q) sp.set("q", q);
    if (role) sp.set("role", role);
    if (p !== 1) sp.set("page", String(p));
    const s = sp.toString();
    return s ? `/admin/users?${s}` : "/admin/users";
  };

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Users</h1>
        <p className="text-sm text-slate-600">
          Admins manage the shop in this back office. The shop always keeps at least one admin; a demoted admin loses access on their next
          request.
        </p>
      </div>

      <form method="get" action="/admin/users" role="search" aria-label="Find users" className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="users-search" className="text-sm font-medium">
            Email or name
          </label>
          <input id="users-search" name="q" type="search" defaultValue={q} maxLength={100} className="w-72 rounded border border-slate-300 px-3 py-2" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="users-role" className="text-sm font-medium">
            Role
          </label>
          <select id="users-role" name="role" defaultValue={role ?? ""} className="rounded border border-slate-300 bg-white px-3 py-2">
            {ROLE_FILTERS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
          Search
        </button>
        {q || role ? (
          <Link href="/admin/users" className="px-2 py-2 text-sm text-indigo-700 underline">
            Clear
          </Link>
        ) : null}
      </form>

      <p role="status" className="text-sm text-slate-600">
        {result.total === 0
          ? q
            ? `No user matches “${q}”.`
            : "No users."
          : `${result.total} ${result.total === 1 ? "user" : "users"}${q ? ` matching “${q}”` : ""}.`}
      </p>
      {result.total > 0 ? <UsersTable users={result.users} currentUserId={admin.id} action={setUserRoleAction} /> : null}
      <AdminPager page={result.page} pageCount={result.pageCount} href={href} label="User list pages" />
    </div>
  );
}
