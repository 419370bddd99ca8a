import { describe, expect, it } from "vitest";
import { AppError, describeCauses, isAppError } from "./errors";

describe("AppError", () => {
  it("is recognised by code, also when created by another copy of this module", () => {
    const error = new AppError("not_found", "No such product");
    expect(isAppError(error, "not_found")).toBe(true);
    expect(isAppError(error, "conflict")).toBe(false);
    // What a second bundled copy of the class produces: same global brand, different class.
    const foreign = Object.assign(new Error("No such order"), { [Symbol.for("storefront.AppError")]: true, code: "not_found" });
    expect(isAppError(foreign, "not_found")).toBe(true);
    expect(isAppError(new Error("plain"))).toBe(false);
    expect(isAppError({ code: "not_found" })).toBe(false);
  });

  it("keeps the cause chain for logs", () => {
    const root = new Error("connection refused");
    const error = new AppError("unavailable", "publishing failed", { cause: new AppError("internal", "send failed", { cause: root }) });
    expect(describeCauses(error)).toBe(
      "AppError: publishing failed\n  caused by AppError: send failed\n  caused by Error: connection refused",
    );
  });
});
