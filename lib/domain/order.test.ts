import { describe, expect, it } from "vitest";
import { isAppError } from "./errors";
import { canTransition, isTerminal, ORDER_STATUSES, transition } from "./order";

describe("order status machine", () => {
  it("walks the happy path pending → stock_reserved → paid → shipped → completed", () => {
    let s = transition("pending", "stock_reserved");
    s = transition(s, "paid");
    s = transition(s, "shipped");
    expect(transition(s, "completed")).toBe("completed");
  });

  it("allows cancelling until the order ships, and never after", () => {
    expect(canTransition("pending", "cancelled")).toBe(true);
    expect(canTransition("stock_reserved", "cancelled")).toBe(true);
    expect(canTransition("paid", "cancelled")).toBe(true);
    expect(canTransition("shipped", "cancelled")).toBe(false);
    expect(canTransition("completed", "cancelled")).toBe(false);
  });

  it("rejects skipping a step with an invalid_transition error", () => {
    try {
      transition("pending", "shipped");
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, "invalid_transition")).toBe(true);
    }
  });

  it("has exactly two terminal states", () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(["completed", "cancelled"]);
  });
});
