// No import cycles, type-only imports included: a cycle means two modules are
// really one, and the layers cannot be read off the folders any more.
// eslint-plugin-import's no-cycle skips type-only imports, so the graph is
// built here from TypeScript's own import scanner. Used by eslint.config.js
// (rule local/no-import-cycle) and tests/unit/import-cycles.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const SOURCES = ["lib", "app", "components", "workers"];

/** The .ts/.tsx modules under dir, tests and generated code left out. */
export function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  });
}

/** The file an import names ("@/x" from the root, "./x" from the importer), or null for a package. */
export function resolveImport(root, from, spec) {
  const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base + ".ts", base + ".tsx", path.join(base, "index.ts"), path.join(base, "index.tsx"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && /\.(ts|tsx)$/.test(candidate)) return candidate;
  }
  return null;
}

/** A module's imports (static, dynamic and type-only) that resolve to source files. */
export function importsOf(root, file, text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return [...new Set(importedFiles.map((i) => resolveImport(root, file, i.fileName)).filter((f) => f !== null))];
}

/** Every module's imports. */
export function importGraph(root, modules) {
  const graph = new Map();
  for (const file of modules) graph.set(file, importsOf(root, file, readFileSync(file, "utf8")));
  return graph;
}

/** The cycles of a graph, one per strongly connected part (Tarjan), each as the sorted modules in it. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const part = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** A path of imports from `from` back to `to`, or null. */
function pathBack(graph, from, to) {
  const seen = new Set();
  const walk = (v, trail) => {
    if (v === to) return trail;
    if (seen.has(v)) return null;
    seen.add(v);
    for (const w of graph.get(v) ?? []) {
      const found = walk(w, [...trail, w]);
      if (found) return found;
    }
    return null;
  };
  return walk(from, [from]);
}

// One graph of the files on disk per lint run (per root); the file being linted is read from its text.
const graphs = new Map();

/** ESLint rule: reports an import that leads back to the importing module. */
export const noImportCycle = {
  meta: { type: "problem", schema: [], messages: { cycle: "Import cycle: {{path}}" } },
  create(context) {
    const root = context.cwd;
    const file = path.resolve(root, context.filename);
    if (!SOURCES.some((d) => file.startsWith(path.join(root, d) + path.sep)) || /\.test\.ts$/.test(file)) return {};
    if (!graphs.has(root)) graphs.set(root, importGraph(root, SOURCES.filter((d) => existsSync(path.join(root, d))).flatMap((d) => sourceFiles(path.join(root, d)))));
    const graph = new Map(graphs.get(root));
    graph.set(file, importsOf(root, file, context.sourceCode.text));
    const check = (node) => {
      const spec = node.source && typeof node.source.value === "string" ? node.source.value : null;
      const target = spec ? resolveImport(root, file, spec) : null;
      const trail = target ? pathBack(graph, target, file) : null;
      if (trail) context.report({ node, messageId: "cycle", data: { path: [file, ...trail].map((f) => path.relative(root, f)).join(" → ") } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
