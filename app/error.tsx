"use client";

// The digest is the reference the server logged the error under (with its trace id): a shopper can quote it.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">Please try again in a moment.</p>
      {error.digest ? <p className="mt-2 text-sm text-slate-500">Reference: {error.digest}</p> : null}
      <button type="button" onClick={reset} className="mt-4 rounded bg-indigo-700 px-4 py-2 text-white">
        Try again
      </button>
    </div>
  );
}
