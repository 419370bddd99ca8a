/** The dashboard's headline numbers, one card each. */
export function DashboardCards({ cards }: { cards: readonly { label: string; value: string; hint?: string; testId: string }[] }) {
  return (
    <ul className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-label="Key figures">
      {cards.map((c) => (
        <li key={c.testId} className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-600">{c.label}</p>
          <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={c.testId}>
            {c.value}
          </p>
          {c.hint ? <p className="mt-1 text-xs text-slate-500">{c.hint}</p> : null}
        </li>
      ))}
    </ul>
  );
}
