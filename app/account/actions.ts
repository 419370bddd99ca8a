"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { formAction, requireUser } from "@/app/_lib/action";
import { currentSessionId } from "@/app/_lib/auth";
import { clientIp } from "@/app/_lib/client-ip";
import { getServices } from "@/lib/composition/root";

/** The same bounds as registration's password. */
const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(200, "At most 200 characters"),
    newPassword: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters"),
  })
  .strict();

export const changePasswordAction = formAction(
  changePasswordSchema,
  async (input, { user }) => {
    await getServices().auth.accountSecurity.changePassword({
      user: requireUser(user),
      currentPassword: input.currentPassword,
      newPassword: input.newPassword,
      ip: clientIp(await headers()),
      // This browser stays signed in; every other session of the account ends.
      keepSessionId: await currentSessionId(),
    });
    return { ok: true, message: "Your password is changed. Every other session of your account has been signed out." };
  },
  { requireUser: true, signInReturnTo: () => "/account" },
);

export const signOutEverywhereAction = formAction(
  z.object({}).strict(),
  async (_input, { user }) => {
    const ended = await getServices().auth.accountSecurity.signOutEverywhere({ user: requireUser(user), keepSessionId: await currentSessionId() });
    const n = ended.browserSessions + ended.apiSessions;
    return { ok: true, message: n === 0 ? "There were no other sessions." : `Signed out ${n} other ${n === 1 ? "session" : "sessions"} (browsers and apps).` };
  },
  { requireUser: true, signInReturnTo: () => "/account" },
);
