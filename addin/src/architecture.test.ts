// @vitest-environment node
/**
 * The add-in's house rules (docs/architecture.md, "Add-in"), checked on the source: no import
 * circles; Office.js only in office/; pure state without React; each result kind on its own.
 * Every import counts, type-only ones too: a circle of types is still a circle to untangle.
 */
import { describe, expect, it } from "vitest";

// every source file's text, through Vite (no file-system access needed): "./hooks/useJob.ts" -> text
const RAW = import.meta.glob(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}", "!./office/testing/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;
const TEXT = new Map(Object.entries(RAW).map(([k, v]) => [k.slice(2), v]));
const SOURCES = [...TEXT.keys()];
const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");

/** "a/b/c.ts" + "../d" -> "a/d" */
function join(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  return parts.join("/");
}

/** The project modules a file imports (relative specifiers resolved to files). */
function importsOf(file: string): string[] {
  const text = stripComments(TEXT.get(file)!);
  const specs = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']|import\s+["'](\.[^"']+)["']/g)].map((m) => m[1] ?? m[2]);
  return specs.flatMap((spec) => {
    const base = join(file, spec);
    const hit = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`].find((p) => TEXT.has(p));
    return hit ? [hit] : [];
  });
}

const GRAPH = new Map(SOURCES.map((f) => [f, importsOf(f)]));

/** Every import circle, each as the list of modules around it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (m: string) => {
    state.set(m, "open");
    stack.push(m);
    for (const next of graph.get(m) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(m, "done");
  };
  for (const m of graph.keys()) if (!state.has(m)) visit(m);
  return found;
}

describe("the add-in's rooms", () => {
  it("reads the imports it checks", () => {
    expect(SOURCES.length).toBeGreaterThan(30);
    expect(GRAPH.get("components/App.tsx")).toContain("hooks/useFolio.ts");
    expect(GRAPH.get("results/registry.ts")).toEqual(expect.arrayContaining(["results/plan/index.ts", "results/train/index.ts"]));
    expect(circles(new Map([["a", ["b"]], ["b", ["a"]], ["c", []]]))).toEqual([["a", "b", "a"]]);
  });

  it("has no import circles", () => {
    expect(circles(GRAPH)).toEqual([]);
  });

  it("touches Office.js only in office/", () => {
    const offenders = SOURCES.filter((f) => !f.startsWith("office/") && /\b(Office|Excel)\.[A-Za-z]/.test(stripComments(TEXT.get(f)!)));
    expect(offenders).toEqual([]);
    const excelImports = [...GRAPH].filter(([m, deps]) => !m.startsWith("office/") && m !== "main.tsx" && deps.some((d) => d === "office/excel.ts" || d === "office/detect.ts"));
    expect(excelImports.map(([m]) => m)).toEqual([]);
  });

  it("keeps state/ pure: no React, no hooks, components or results", () => {
    for (const [m, deps] of GRAPH) {
      if (!m.startsWith("state/")) continue;
      expect(TEXT.get(m), m).not.toMatch(/from ["']react["']/);
      expect(deps.filter((d) => /^(hooks|components|results)\//.test(d)), m).toEqual([]);
    }
  });

  it("keeps each result kind to itself: a kind imports no other kind, only the shared results/common/", () => {
    const kindOf = (m: string) => m.match(/^results\/([^/]+)\//)?.[1];
    for (const [m, deps] of GRAPH) {
      const kind = kindOf(m);
      if (!kind) continue;
      const others = deps.filter((d) => kindOf(d) && kindOf(d) !== kind && kindOf(d) !== "common");
      expect(others, m).toEqual([]);
    }
    // the shared room is shared, not a kind: it imports no kind, and the registry does not list it
    const common = [...GRAPH].filter(([m]) => kindOf(m) === "common");
    expect(common.length).toBeGreaterThan(0);
    for (const [m, deps] of common) expect(deps.filter((d) => kindOf(d) && kindOf(d) !== "common"), m).toEqual([]);
    expect(GRAPH.get("results/registry.ts")!.filter((d) => kindOf(d) === "common")).toEqual([]);
  });
});
