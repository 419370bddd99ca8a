import type { AdminUserSummary } from "@/lib/application/admin/users";
import type { FormState } from "@/components/form-state";
import { UsersRoleForm } from "./users-role-form";

const ROLE_LABELS = { admin: "Admin", customer: "Customer" } as const;

/** The user list: who, their role, since when, and the button that changes the role. */
export function UsersTable({
  users,
  currentUserId,
  action,
}: {
  users: readonly AdminUserSummary[];
  currentUserId: string;
  action: (prev: FormState, data: FormData) => Promise<FormState>;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="users-table">
        <caption className="sr-only">Users, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="py-2 pr-4 font-medium">
              Name
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Email
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Role
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Joined
            </th>
            <th scope="col" className="py-2 font-medium">
              <span className="sr-only">Change role</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className="border-b border-slate-100 align-top" data-testid="user-row" data-email={u.email}>
              <th scope="row" className="py-2 pr-4 text-left font-normal">
                {u.name}
                {u.id === currentUserId ? <span className="ml-1 text-slate-500">(you)</span> : null}
              </th>
              <td className="py-2 pr-4 break-all">{u.email}</td>
              <td className="py-2 pr-4">
                <span
                  data-testid="user-role"
                  className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${u.role === "admin" ? "bg-indigo-100 text-indigo-900" : "bg-slate-100 text-slate-800"}`}
                >
                  {ROLE_LABELS[u.role]}
                </span>
              </td>
              <td className="py-2 pr-4 whitespace-nowrap">
                <time dateTime={u.createdAt.toISOString()}>{u.createdAt.toISOString().slice(0, 10)}</time>
              </td>
              <td className="py-2">
                <UsersRoleForm user={{ id: u.id, email: u.email, role: u.role }} isSelf={u.id === currentUserId} action={action} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
