import type { RevenueSeries } from "@/lib/application/admin/dashboard";
import { formatMoney } from "@/lib/domain/money";
import { formatDay } from "./dashboard-format";

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 24, left: 64 } as const;

/**
 * Revenue per day as a server-rendered SVG bar chart (no chart library, no
 * script), named for assistive technology by its title and a summary, and
 * followed by the same figures as a table.
 */
export function DashboardRevenueChart({ series }: { series: RevenueSeries }) {
  const { currency, days } = series;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency });
  const id = `revenue-${currency.toLowerCase()}`;
  const first = days[0]!;
  const last = days.at(-1)!;
  const best = days.reduce((a, b) => (b.amountMinor > a.amountMinor ? b : a), first);
  const max = best.amountMinor;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(2, slot * 0.7);
  const baseline = PAD.top + plotHeight;
  const middle = days[Math.floor(days.length / 2)]!;
  const summary =
    max === 0
      ? `No sales from ${formatDay(first.day, true)} to ${formatDay(last.day, true)}.`
      : `${money(series.totalMinor)} in all from ${formatDay(first.day, true)} to ${formatDay(last.day, true)}; ` +
        `the best day was ${formatDay(best.day, true)} with ${money(best.amountMinor)}; today ${money(series.todayMinor)}.`;

  return (
    <figure className="space-y-2" data-testid={`revenue-chart-${currency}`}>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full max-w-3xl rounded-lg border border-slate-200 bg-white"
      >
        <title id={`${id}-title`}>{`Revenue per day in ${currency}, last ${days.length} days`}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {/* Axes and the top gridline, labelled with the amounts they stand for. */}
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={baseline} y2={baseline} className="stroke-slate-400" strokeWidth={1} />
        <text x={PAD.left - 6} y={baseline} textAnchor="end" dominantBaseline="middle" className="fill-slate-500 text-[10px]">
          {money(0)}
        </text>
        {max > 0 ? (
          <>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top} y2={PAD.top} className="stroke-slate-200" strokeWidth={1} strokeDasharray="4 3" />
            <text x={PAD.left - 6} y={PAD.top} textAnchor="end" dominantBaseline="middle" className="fill-slate-500 text-[10px]">
              {money(max)}
            </text>
          </>
        ) : null}
        {days.map((d, i) => {
          const h = max === 0 ? 0 : Math.max(d.amountMinor > 0 ? 1 : 0, (d.amountMinor / max) * plotHeight);
          return (
            <rect
              key={d.day}
              x={PAD.left + i * slot + (slot - barWidth) / 2}
              y={baseline - h}
              width={barWidth}
              height={h}
              className={d.day === last.day ? "fill-indigo-700" : "fill-indigo-400"}
            >
              <title>{`${formatDay(d.day, true)}: ${money(d.amountMinor)}`}</title>
            </rect>
          );
        })}
        {[first, middle, last].map((d) => {
          const i = days.indexOf(d);
          return (
            <text key={d.day} x={PAD.left + i * slot + slot / 2} y={HEIGHT - 6} textAnchor="middle" className="fill-slate-500 text-[10px]">
              {d.day === last.day ? "Today" : formatDay(d.day)}
            </text>
          );
        })}
      </svg>
      <figcaption className="text-sm text-slate-600">{summary}</figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700 underline">Revenue by day as a table</summary>
        <table className="mt-2 w-full max-w-md border-collapse" data-testid={`revenue-table-${currency}`}>
          <caption className="sr-only">{`Revenue per day in ${currency}, oldest first`}</caption>
          <thead>
            <tr className="border-b border-slate-200 text-left">
              <th scope="col" className="py-1 pr-4 font-medium">
                Day
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Revenue
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day} className="border-b border-slate-100">
                <th scope="row" className="py-1 pr-4 text-left font-normal">
                  <time dateTime={d.day}>{formatDay(d.day, true)}</time>
                </th>
                <td className="py-1 text-right tabular-nums">{money(d.amountMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
