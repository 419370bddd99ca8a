import path from "node:path";
import { describe, expect, it } from "vitest";
import { SOURCES, cycles, importGraph, sourceFiles as files } from "../../eslint/import-cycles.js";

/**
 * No import cycles in the code, type-only imports included (the graph is
 * built from TypeScript's own import scanner: ESLint's import plugins skip
 * type-only imports). eslint.config.js reports each cycle's imports through
 * the same module (rule local/no-import-cycle); this checks the whole graph.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");

describe("import cycles", () => {
  it("are found, type-only imports included (the check can fail)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
    const dir = path.join(ROOT, "lib/composition");
    // lib/composition/admin.ts assembles the areas under ./admin; an area importing it back is a cycle.
    const withBackEdge = importGraph(ROOT, files(dir));
    withBackEdge.set(path.join(dir, "admin/users.ts"), [...withBackEdge.get(path.join(dir, "admin/users.ts"))!, path.join(dir, "admin.ts")]);
    expect(cycles(withBackEdge).map((c) => c.map((f) => path.relative(ROOT, f)))).toContainEqual(expect.arrayContaining(["lib/composition/admin.ts", "lib/composition/admin/users.ts"]));
  });

  it("there are none in lib, app, components and workers", () => {
    const graph = importGraph(ROOT, SOURCES.flatMap((d) => files(path.join(ROOT, d))));
    expect(graph.size).toBeGreaterThan(250);
    expect(cycles(graph).map((c) => c.map((f) => path.relative(ROOT, f)))).toEqual([]);
  });
});
