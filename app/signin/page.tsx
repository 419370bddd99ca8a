import type { Metadata } from "next";
import Link from "next/link";
import { returnToSchema } from "@/app/_lib/safe-redirect";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

// next-auth's own callback route (a sign-in posted without this page's form)
// redirects here with ?error=CredentialsSignin&code=...
const NOTICES: Record<string, string> = {
  rate_limited: "Too many attempts; try again later.",
  credentials: "Email or password is incorrect.",
};

type SearchParams = { callbackUrl?: string | string[]; error?: string | string[]; code?: string | string[] };

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const callbackUrl = returnToSchema.parse(params.callbackUrl ?? "/");
  const notice = params.error === "CredentialsSignin" && typeof params.code === "string" ? NOTICES[params.code] : undefined;
  return (
    <section className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-semibold">Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} notice={notice} />
      <p className="mt-4 text-sm">
        New here?{" "}
        <Link href={`/register?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-indigo-700 underline">
          Create an account
        </Link>
      </p>
    </section>
  );
}
