import { describe, expect, it } from "vitest";
import { isAppError } from "../../domain/errors";
import { requireAdmin } from "./access";

describe("requireAdmin", () => {
  it("lets an admin through and refuses everyone else with the right code", () => {
    expect(requireAdmin({ id: "a", role: "admin" })).toEqual({ id: "a", role: "admin" });
    const refused = (actor: Parameters<typeof requireAdmin>[0]) => {
      try {
        requireAdmin(actor);
      } catch (error) {
        return isAppError(error) ? error.code : "other";
      }
      return "allowed";
    };
    expect(refused(null)).toBe("unauthenticated");
    expect(refused(undefined)).toBe("unauthenticated");
    expect(refused({ id: "c", role: "customer" })).toBe("forbidden");
  });
});
