import { describe, expect, it } from "vitest";
import { FakePaymentProvider, luhn } from "./fake-payment-provider";

const money = { amountMinor: 100, currency: "USD" };

describe("FakePaymentProvider", () => {
  it("approves a valid card, declines the test cards and invalid numbers", async () => {
    const p = new FakePaymentProvider({ latencyMs: 1 });
    const ask = (key: string, cardNumber: string) => p.authorize({ idempotencyKey: key, cardNumber, amount: money, description: "" });
    expect((await ask("a", "4242424242424242")).ok).toBe(true);
    expect(await ask("b", "4000000000000002")).toEqual({ ok: false, reason: "card_declined" });
    expect(await ask("c", "4000000000009995")).toEqual({ ok: false, reason: "insufficient_funds" });
    expect(await ask("d", "4242424242424241")).toEqual({ ok: false, reason: "invalid_card" });
  });

  it("answers a repeated idempotency key with the first answer, and can be told to fail", async () => {
    const p = new FakePaymentProvider({ latencyMs: 1 });
    const first = await p.authorize({ idempotencyKey: "k", cardNumber: "4242424242424242", amount: money, description: "" });
    const again = await p.authorize({ idempotencyKey: "k", cardNumber: "4242424242424242", amount: money, description: "" });
    expect(again).toEqual(first);
    const failing = new FakePaymentProvider({ latencyMs: 1, failWith: "card_declined" });
    expect(await failing.authorize({ idempotencyKey: "x", cardNumber: "4242424242424242", amount: money, description: "" })).toEqual({
      ok: false,
      reason: "card_declined",
    });
  });

  it("checks card numbers with Luhn", () => {
    expect(luhn("4242424242424242")).toBe(true);
    expect(luhn("4242 4242 4242 4242")).toBe(false);
    expect(luhn("1234")).toBe(false);
  });
});
