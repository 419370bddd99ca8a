/**
 * Idempotency claims against PostgreSQL when a request outlives its lock: a
 * second request takes the claim over and does the work; the first one, when
 * it finally ends, must neither overwrite the answer the second stored nor
 * release the claim the second now holds.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdempotency, type StoredResponse } from "@/lib/application/api/idempotency";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaIdempotencyRepository } from "@/lib/infrastructure/db/prisma-idempotency-repository";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertUser, sqlPool } from "../support/fixtures";
import { testLogger } from "../support/logger";

let db: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;
let store: PrismaIdempotencyRepository;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  prisma = createPrismaClient(db.url, { poolSize: 4 });
  store = new PrismaIdempotencyRepository(prisma);
  userId = (await insertUser(pool)).id;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await db?.drop();
});

/** A promise and the function that settles it: lets a test decide when a request's work ends. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { promise, open, fail };
}

const LOCK_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runners over one store: `run` holds claims LOCK_MS, `patient` long enough that only a test's own gate ends its work. */
function setup() {
  const runner = (lockMs: number) =>
    makeIdempotency({ store, clock: { now: () => new Date() }, ids: { uuid: randomUUID }, log: testLogger(() => {}), lockMs, waitMs: 10_000, pollMs: 10 });
  const input = { userId, key: `k-${randomUUID()}`, scope: "POST /api/v1/orders", requestHash: "a".repeat(64) };
  return { run: runner(LOCK_MS), patient: runner(30_000), input };
}

describe("an idempotency claim", () => {
  it("cannot be completed by a request whose claim was taken over: the answer of the one that took it over stays", async () => {
    const { run, input } = setup();
    const slow = gate<StoredResponse>();
    const first = run(input, () => slow.promise);
    await sleep(LOCK_MS * 2); // the first request's lock runs out while it still works
    const second = await run(input, async () => ({ status: 201, body: { by: "second" } }));
    expect(second).toEqual({ status: 201, body: { by: "second" }, replayed: false });

    slow.open({ status: 201, body: { by: "first" } });
    await first;
    expect((await store.find(input.userId, input.key))?.response).toEqual({ status: 201, body: { by: "second" } });
    expect(await run(input, async () => ({ status: 201, body: { by: "third" } }))).toEqual({ status: 201, body: { by: "second" }, replayed: true });
  });

  it("cannot be released by a request whose claim was taken over: a third request waits for the one that holds it", async () => {
    const { run, patient, input } = setup();
    const works: string[] = [];
    const firstGate = gate<StoredResponse>();
    const secondGate = gate<StoredResponse>();
    const first = run(input, () => (works.push("first"), firstGate.promise)).catch((e: unknown) => e);
    await sleep(LOCK_MS * 2);
    const second = patient(input, () => (works.push("second"), secondGate.promise));
    await expect.poll(() => works).toEqual(["first", "second"]);

    // The first fails late, while the second (which took its claim over) still works.
    firstGate.fail(new Error("the first request's database call failed"));
    expect(await first).toBeInstanceOf(Error);
    const third = patient(input, async () => (works.push("third"), { status: 201, body: { by: "third" } }));
    await sleep(50);
    secondGate.open({ status: 201, body: { by: "second" } });
    expect(await second).toEqual({ status: 201, body: { by: "second" }, replayed: false });
    expect(await third).toEqual({ status: 201, body: { by: "second" }, replayed: true });
    expect(works).toEqual(["first", "second"]);
  });
});
