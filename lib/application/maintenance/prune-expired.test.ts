import { describe, expect, it } from "vitest";
import { makePruneExpired, PRUNABLE, type Prunable, type RetentionStore } from "./prune-expired";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3_600_000;
const retentionMs = Object.fromEntries(PRUNABLE.map((what, i) => [what, (i + 1) * HOUR])) as Record<Prunable, number>;

/** A store holding `rows` prunable rows per kind, deleting at most `limit` per call and recording every call. */
function fakeStore(rows: Partial<Record<Prunable, number>>) {
  const left: Partial<Record<Prunable, number>> = { ...rows };
  const calls: { what: Prunable; cutoff: Date; limit: number }[] = [];
  const store: RetentionStore = {
    deleteBatch: async (what, cutoff, limit) => {
      calls.push({ what, cutoff, limit });
      const n = Math.min(limit, left[what] ?? 0);
      left[what] = (left[what] ?? 0) - n;
      return n;
    },
  };
  return { store, calls, left };
}

describe("pruning rows past their retention", () => {
  it("deletes in batches until a batch comes back short, pausing between batches, and counts per table", async () => {
    const { store, calls } = fakeStore({ auth_sessions: 25, dead_letters: 10 });
    const pauses: number[] = [];
    const pruned: [Prunable, number][] = [];
    const prune = makePruneExpired({
      store,
      clock: { now: () => NOW },
      retentionMs,
      batchSize: 10,
      pauseMs: 50,
      sleep: async (ms) => void pauses.push(ms),
      onPruned: (what, n) => pruned.push([what, n]),
    });
    const totals = await prune();
    expect(calls.filter((c) => c.what === "auth_sessions").map((c) => c.limit)).toEqual([10, 10, 10]);
    // A full last batch may hide more rows: one more call, which finds none.
    expect(calls.filter((c) => c.what === "dead_letters").length).toBe(2);
    expect(calls.filter((c) => c.what === "api_sessions").length).toBe(1);
    expect(totals).toMatchObject({ auth_sessions: 25, dead_letters: 10, api_sessions: 0 });
    expect(pruned.filter(([w]) => w === "auth_sessions")).toEqual([["auth_sessions", 10], ["auth_sessions", 10], ["auth_sessions", 5]]);
    // Only between batches of one table: after 2 full auth_sessions batches and 1 full dead_letters batch.
    expect(pauses).toEqual([50, 50, 50]);
  });

  it("gives each table the cutoff of its own retention", async () => {
    const { store, calls } = fakeStore({});
    await makePruneExpired({ store, clock: { now: () => NOW }, retentionMs, batchSize: 10, pauseMs: 0 })();
    for (const what of PRUNABLE) {
      expect(calls.find((c) => c.what === what)!.cutoff).toEqual(new Date(NOW.getTime() - retentionMs[what]));
    }
  });

  it("stops between batches when its signal aborts, leaving the rest for the next run", async () => {
    const { store, calls } = fakeStore({ auth_sessions: 1_000 });
    const controller = new AbortController();
    const prune = makePruneExpired({
      store,
      clock: { now: () => NOW },
      retentionMs,
      batchSize: 10,
      pauseMs: 5,
      sleep: async () => {
        if (calls.length === 3) controller.abort();
      },
    });
    await expect(prune(controller.signal)).rejects.toThrow();
    expect(calls.length).toBe(3);
  });

  it("does nothing once aborted", async () => {
    const { store, calls } = fakeStore({ auth_sessions: 5 });
    const controller = new AbortController();
    controller.abort();
    await expect(makePruneExpired({ store, clock: { now: () => NOW }, retentionMs, batchSize: 10, pauseMs: 0 })(controller.signal)).rejects.toThrow();
    expect(calls).toEqual([]);
  });
});
