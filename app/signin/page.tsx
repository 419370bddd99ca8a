import type { Metadata } from "next";
import Link from "next/link";
import { returnToSchema } from "@/app/_lib/safe-redirect";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const callbackUrl = returnToSchema.parse((await searchParams).callbackUrl ?? "/");
  return (
    <section className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-semibold">Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">
        New here?{" "}
        <Link href={`/register?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-indigo-700 underline">
          Create an account
        </Link>
      </p>
    </section>
  );
}
