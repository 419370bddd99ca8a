import { readdirSync, existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * No import cycles in the code, type-only imports included: a cycle means two
 * modules are really one, and the layers (eslint.config.js) cannot be read off
 * the folders any more. ESLint's import plugins skip type-only imports, so the
 * graph is built here from TypeScript's own import scanner.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["lib", "app", "components", "workers"];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : files(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  });
}

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base + ".ts", base + ".tsx", path.join(base, "index.ts"), path.join(base, "index.tsx"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && /\.(ts|tsx)$/.test(candidate)) return candidate;
  }
  return null;
}

/** Every module's imports (static, dynamic and type-only) that resolve to another source file. */
export function importGraph(modules: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of modules) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    graph.set(file, [...new Set(importedFiles.map((i) => resolve(file, i.fileName)).filter((f): f is string => f !== null))]);
  }
  return graph;
}

/** The cycles of a graph, one per strongly connected part (Tarjan), each as the modules in it. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

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
    const withBackEdge = importGraph(files(dir));
    withBackEdge.set(path.join(dir, "admin/users.ts"), [...withBackEdge.get(path.join(dir, "admin/users.ts"))!, path.join(dir, "admin.ts")]);
    expect(cycles(withBackEdge).map((c) => c.map((f) => path.relative(ROOT, f)))).toContainEqual(expect.arrayContaining(["lib/composition/admin.ts", "lib/composition/admin/users.ts"]));
  });

  it("there are none in lib, app, components and workers", () => {
    const graph = importGraph(SOURCES.flatMap((d) => files(path.join(ROOT, d))));
    expect(graph.size).toBeGreaterThan(250);
    expect(cycles(graph).map((c) => c.map((f) => path.relative(ROOT, f)))).toEqual([]);
  });
});
