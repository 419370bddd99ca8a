import type { Metadata } from "next";
import Link from "next/link";
import { returnToSchema } from "@/app/_lib/safe-redirect";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const callbackUrl = returnToSchema.parse((await searchParams).callbackUrl ?? "/");
  return (
    <section className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-semibold">Create an account</h1>
      <RegisterForm callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">
        Already have one?{" "}
        <Link href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-indigo-700 underline">
          Sign in
        </Link>
      </p>
    </section>
  );
}
