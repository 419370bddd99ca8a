import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAppError } from "./errors";
import { CORRECT_FIELDS, fieldIssues, parseInput } from "./validation";

const schema = z
  .object({ name: z.string().min(3, "Too short").regex(/^[a-z]+$/, "Letters only"), items: z.array(z.object({ quantity: z.number().int("Whole units") })) })
  .strict()
  .refine((v) => v.name !== "abc", "Not that one");

describe("fieldIssues", () => {
  const failure = schema.safeParse({ name: "1", items: [{ quantity: 1.5 }], extra: true }).error!;

  it("gives one message per field, the first found, with dotted paths; the whole input is the form", () => {
    expect(fieldIssues(failure)).toEqual([
      { path: "name", message: "Too short" },
      { path: "items.0.quantity", message: "Whole units" },
      { path: "form", message: expect.stringContaining("extra") },
    ]);
  });

  it("names fields under a prefix, and the whole input by the prefix unless told otherwise", () => {
    expect(fieldIssues(failure, { at: "body" }).map((f) => f.path)).toEqual(["body.name", "body.items.0.quantity", "body"]);
    expect(fieldIssues(failure, { whole: "shipTo" }).map((f) => f.path)).toEqual(["name", "items.0.quantity", "shipTo"]);
  });

  it("gives every problem of a field when asked", () => {
    expect(fieldIssues(failure, { every: true }).filter((f) => f.path === "name").map((f) => f.message)).toEqual(["Too short", "Letters only"]);
  });
});

describe("parseInput", () => {
  it("returns the parsed value, or throws a validation AppError carrying the field issues", () => {
    expect(parseInput(schema, { name: "abcd", items: [] })).toEqual({ name: "abcd", items: [] });
    try {
      parseInput(schema, { name: "abc", items: [] });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, "validation")).toBe(true);
      expect(error).toMatchObject({ message: CORRECT_FIELDS, fields: [{ path: "form", message: "Not that one" }] });
    }
  });
});
