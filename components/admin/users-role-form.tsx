"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";
import type { Role } from "@/lib/domain/user";

/**
 * Promote or demote one user, in two steps: the first button asks, the
 * confirmation says what will happen and submits. Not keyed by role, so the
 * result's message stays after the list re-renders with the new role.
 */
export function UsersRoleForm({
  user,
  isSelf,
  action: serverAction,
}: {
  user: { id: string; email: string; role: Role };
  isSelf: boolean;
  action: (prev: FormState, data: FormData) => Promise<FormState>;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const target: Role = user.role === "admin" ? "customer" : "admin";
  const ask = target === "admin" ? "Make admin" : isSelf ? "Step down as admin" : "Remove admin";
  const question =
    target === "admin"
      ? `Give ${user.email} admin rights? They will manage products, stock, orders and users.`
      : isSelf
        ? "Give up your admin rights? You will leave the back office at once."
        : `Take admin rights away from ${user.email}? They lose the back office on their next request.`;
  const messageId = `role-message-${user.id}`;

  // A finished submission closes the confirmation (its message stays) and
  // gives focus back to the row's button, next to the message.
  useEffect(() => {
    if (state === initialFormState) return;
    setConfirming(false);
    setTimeout(() => askRef.current?.focus(), 0);
  }, [state]);

  return (
    <div className="flex flex-col items-start gap-1">
      {confirming ? (
        <form action={action} className="flex flex-col items-start gap-2" aria-describedby={`${messageId}-question`}>
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="role" value={target} />
          <input type="hidden" name="confirmed" value="yes" />
          <p id={`${messageId}-question`} className="max-w-xs text-sm">
            {question}
          </p>
          <div className="flex gap-2">
            <SubmitButton autoFocus className={target === "admin" ? "px-3 py-1 text-sm" : "bg-red-700 px-3 py-1 text-sm hover:bg-red-800"}>
              {target === "admin" ? "Confirm: make admin" : "Confirm: remove admin"}
            </SubmitButton>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                setTimeout(() => askRef.current?.focus(), 0);
              }}
              className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50"
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button
          ref={askRef}
          type="button"
          onClick={() => setConfirming(true)}
          aria-label={`${ask}: ${user.email}`}
          aria-describedby={messageId}
          className="rounded border border-slate-300 px-3 py-1 text-sm font-medium text-indigo-800 hover:bg-slate-50"
        >
          {ask}
        </button>
      )}
      <div id={messageId}>
        <FormMessage ok={state.ok} message={state.message ?? state.fieldErrors?.userId} />
      </div>
    </div>
  );
}
