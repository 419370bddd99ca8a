import { afterEach, beforeEach, expect } from "vitest";

// A console.error nobody expected is a bug being swallowed. Tests that expect
// one replace console.error themselves with vi.spyOn(...).mockImplementation.
let calls: unknown[][] = [];
let original: typeof console.error;

beforeEach(() => {
  calls = [];
  original = console.error;
  console.error = (...args: unknown[]) => {
    calls.push(args);
    original(...args);
  };
});

afterEach(() => {
  const seen = calls;
  console.error = original;
  expect(seen, "unexpected console.error").toEqual([]);
});
