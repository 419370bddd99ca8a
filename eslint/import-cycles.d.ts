import type { Rule } from "eslint";

export const SOURCES: string[];
export function sourceFiles(dir: string): string[];
export function resolveImport(root: string, from: string, spec: string): string | null;
export function importsOf(root: string, file: string, text: string): string[];
export function importGraph(root: string, modules: string[]): Map<string, string[]>;
export function cycles(graph: Map<string, string[]>): string[][];
export const noImportCycle: Rule.RuleModule;
