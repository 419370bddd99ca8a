import type { DeadLetterEntry, ProcessedEventEntry } from "@/lib/application/admin/dashboard";
import { formatInstant } from "./dashboard-format";

/** The worker's latest processed events, newest first. */
export function DashboardProcessedEvents({ events, timeZone }: { events: readonly ProcessedEventEntry[]; timeZone: string }) {
  if (events.length === 0) return <p className="text-slate-600">The worker has not processed any event yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="processed-events">
        <caption className="sr-only">Events the worker processed, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="py-2 pr-4 font-medium">
              Processed
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Event
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              About
            </th>
            <th scope="col" className="py-2 font-medium">
              Consumer
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={`${e.consumer}:${e.eventId}`} className="border-b border-slate-100 align-top">
              <td className="py-1.5 pr-4 whitespace-nowrap">
                <time dateTime={e.processedAt.toISOString()}>{formatInstant(e.processedAt, timeZone)}</time>
              </td>
              <td className="py-1.5 pr-4">{e.type ?? <span className="text-slate-500">unknown</span>}</td>
              <td className="py-1.5 pr-4 font-mono text-xs break-all">
                {e.aggregateType ? `${e.aggregateType} ${e.aggregateId}` : <span title={e.eventId}>event {e.eventId}</span>}
              </td>
              <td className="py-1.5 font-mono text-xs break-all">{e.consumer}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Messages consumers gave up on (published to <topic>.dlq), newest first. */
export function DashboardDeadLetters({ entries, total, timeZone }: { entries: readonly DeadLetterEntry[]; total: number; timeZone: string }) {
  if (total === 0) return <p className="text-slate-600" data-testid="dead-letters-none">No dead letters: every message could be read.</p>;
  return (
    <div className="space-y-2 overflow-x-auto">
      <p role="status" className="text-sm font-medium text-red-800">
        {total} {total === 1 ? "message" : "messages"} in the dead-letter topics{total > entries.length ? `; the latest ${entries.length} are shown` : ""}.
      </p>
      <table className="w-full border-collapse text-sm" data-testid="dead-letters">
        <caption className="sr-only">Dead letters, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="py-2 pr-4 font-medium">
              When
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Where
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Consumer
            </th>
            <th scope="col" className="py-2 font-medium">
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((d) => (
            <tr key={d.id} className="border-b border-slate-100 align-top">
              <td className="py-1.5 pr-4 whitespace-nowrap">
                <time dateTime={d.createdAt.toISOString()}>{formatInstant(d.createdAt, timeZone)}</time>
              </td>
              <td className="py-1.5 pr-4 font-mono text-xs break-all">
                {d.topic}/{d.partition}@{d.offset}
                {d.eventId ? <span className="block text-slate-500">event {d.eventId}</span> : null}
              </td>
              <td className="py-1.5 pr-4 font-mono text-xs break-all">{d.consumer}</td>
              <td className="py-1.5 text-xs break-words">{d.error.length > 300 ? `${d.error.slice(0, 300)}…` : d.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
