// Only on pages that never answer 404: a loading boundary starts streaming with
// status 200 before notFound() could set 404 (Next.js streams once a Suspense
// boundary is reached), so product and order pages go without one.
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="py-16 text-center text-slate-600">
      Loading…
    </div>
  );
}
