import { afterAll, expect, it } from "vitest";
import { confirmationCheck, faultWorld, progress, report, reservationCheck, waitReady } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
afterAll(async () => {
  await world?.close();
});

it("SIGTERM mid-run: the worker stops fetching, finishes and commits what it holds, and exits 0 within its bound; a new worker finishes the rest exactly once", async () => {
  world = await faultWorld("term");
  const { pool } = world;
  const products = await world.products(6, 10_000);
  const shoppers = await world.shoppers(150, products);
  const bound = 10_000;
  const first = await world.startWorker("1", { WORKER_SHUTDOWN_TIMEOUT_MS: String(bound) });
  await waitReady(first);
  const placing = world.placeOrders(shoppers, 6);
  await eventually(async () => ((await progress(pool, (await pool.query<{ id: string }>(`SELECT id FROM orders`)).rows.map((r) => r.id))).reserved >= 40 ? true : undefined), 120_000, "work under way", 20);

  const termAt = Date.now();
  first.kill("SIGTERM");
  const code = await first.exited;
  const stopMs = Date.now() - termAt;
  expect(code).toBe(0);
  expect(stopMs).toBeLessThan(bound);
  expect(first.output()).toMatch(/stopped in \d+ ms/);
  // Every SMTP conversation it began was finished and recorded: no email is left leased to the dead process.
  const { rows: leased } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outgoing_emails WHERE locked_until IS NOT NULL`);
  expect(leased[0]!.n).toBe(0);

  const orderIds = await placing;
  const second = await world.startWorker("2");
  await waitReady(second);
  await eventually(
    async () => {
      const p = await progress(pool, orderIds);
      return p.reserved === 150 && p.emails_sent === 150 && p.unsent === 0 ? true : undefined;
    },
    120_000,
    "every order reserved and confirmed",
    200,
  );
  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: 150, never: 0, more: 0 });
  // A clean stop leaves nothing in doubt: every message transmitted exactly once.
  expect(await confirmationCheck(pool, world.sink, shoppers)).toEqual({ messages: 150, transmissions: 150, inDoubt: 0, unexplained: [] });
  report("SIGTERM", { orders: 150, exitCode: code ?? -1, shutdownMs: stopMs, boundMs: bound, reservedExactlyOnce: 150, confirmationEmails: 150 });
});
