import Link from "next/link";

/** Shown with status 403 when a signed-in user opens a page their role does not allow. */
export default function Forbidden() {
  return (
    <section className="mx-auto max-w-md space-y-3 py-12 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="text-slate-600">This page is for the shop&apos;s staff. Your account cannot open it.</p>
      <Link href="/" className="inline-block text-indigo-700 underline">
        Back to the shop
      </Link>
    </section>
  );
}
