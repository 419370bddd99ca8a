import { z } from "zod";
import { parseInput } from "../../domain/validation";
import { AppError } from "../../domain/errors";
import { ROLES, type Role } from "../../domain/user";
import { MAX_PAGE, pageCount, pageWindow } from "../catalog/paging";
import type { UnitOfWork } from "../shared";
import { requireAdmin, type Actor } from "./access";

/** A user as the back office lists them. */
export interface AdminUserSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
}

export const USER_PAGE_SIZE = 25;

export interface UserListCriteria {
  /** Matched against email and name, case-insensitively, anywhere in them; null: everyone. */
  readonly query: string | null;
  readonly role: Role | null;
  readonly offset: number;
  readonly limit: number;
}

/** Reads for the user list (outside a transaction). */
export interface UserDirectory {
  /** Newest first (created_at, then id, descending), with the total matching. */
  list(criteria: UserListCriteria, signal?: AbortSignal): Promise<{ users: AdminUserSummary[]; total: number }>;
}

export interface RoleStore {
  /**
   * Locks every admin row (ascending id, FOR UPDATE) until the transaction
   * ends and returns their ids. Two role changes therefore run one after the
   * other, and the second sees what the first committed.
   */
  lockAdmins(signal?: AbortSignal): Promise<string[]>;
  /** Locks one user's row; null when there is no such user. */
  lockUser(userId: string, signal?: AbortSignal): Promise<AdminUserSummary | null>;
  updateRole(userId: string, role: Role, signal?: AbortSignal): Promise<void>;
}

export interface SetRoleRepos {
  userAdmin: RoleStore;
}

const listSchema = z
  .object({
    query: z
      .string()
      .trim()
      .max(100, "Search for at most 100 characters")
      .optional()
      .transform((q) => (q ? q : null)),
    role: z.enum(ROLES, { message: "Choose a role" }).nullish().transform((r) => r ?? null),
    page: z.number().int("Invalid page").min(1, "Invalid page").max(MAX_PAGE, "Invalid page").default(1),
  })
  .strict();

const setRoleSchema = z
  .object({
    userId: z.uuid({ message: "No such user" }),
    role: z.enum(ROLES, { message: "Choose a role" }),
  })
  .strict();

export type UserListInput = z.input<typeof listSchema>;
export type SetRoleInput = z.input<typeof setRoleSchema>;

const parse = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => parseInput(schema, input, { message: "The request is invalid." });

export type SetRoleResult =
  | { readonly changed: true; readonly user: AdminUserSummary }
  | { readonly changed: false; readonly user: AdminUserSummary };

/**
 * The back office's users: a searchable list, and promotion or demotion. The
 * shop never loses its last admin: every role change locks all admin rows
 * first (in id order, so concurrent changes queue instead of deadlocking) and
 * counts them under that lock. Sessions resolve the role from the database on
 * every request, so a demoted admin loses the back office on their next one.
 */
export function makeAdminUsers(deps: { directory: UserDirectory; uow: UnitOfWork<SetRoleRepos> }) {
  return {
    async list(actor: Actor | null, input: UserListInput = {}, signal?: AbortSignal) {
      requireAdmin(actor);
      const criteria = parse(listSchema, input);
      const { offset, limit } = pageWindow(criteria.page, USER_PAGE_SIZE);
      const { users, total } = await deps.directory.list({ query: criteria.query, role: criteria.role, offset, limit }, signal);
      return { users, total, page: criteria.page, pageCount: pageCount(total, USER_PAGE_SIZE), query: criteria.query, role: criteria.role };
    },

    async setRole(actor: Actor | null, input: SetRoleInput, signal?: AbortSignal): Promise<SetRoleResult> {
      const admin = requireAdmin(actor);
      const { userId, role } = parse(setRoleSchema, input);
      return deps.uow.run(async ({ userAdmin }) => {
        const admins = await userAdmin.lockAdmins(signal);
        // The actor's role came with their request; an admin demoted since then
        // (by a change that committed while this one waited) is refused.
        if (!admins.includes(admin.id)) throw new AppError("forbidden", "Only an admin can do that.");
        const user = await userAdmin.lockUser(userId, signal);
        if (!user) throw new AppError("not_found", "No such user", { fields: [{ path: "userId", message: "No such user" }] });
        if (user.role === role) return { changed: false, user };
        if (role !== "admin" && admins.length <= 1) {
          throw new AppError("conflict", "The shop needs at least one admin: promote someone else first.", {
            fields: [{ path: "userId", message: "This is the last admin and cannot be demoted" }],
          });
        }
        await userAdmin.updateRole(userId, role, signal);
        return { changed: true, user: { ...user, role } };
      }, signal);
    },
  };
}

export type AdminUsers = ReturnType<typeof makeAdminUsers>;
