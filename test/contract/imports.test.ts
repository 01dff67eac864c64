import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The source's runtime import graph (type-only imports erased, as TypeScript erases them) has no circle:
// data flows one way, and a module can be read, tested and bundled on its own.

const SRC = resolve(fileURLToPath(new URL('../../src', import.meta.url)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports that survive compilation: `import type`, `export type` and all-type braces are erased. */
export function runtimeImports(file: string, code: string): string[] {
  const out: string[] = [];
  const statements = code.matchAll(/^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"](\.[^'"]+)['"]|^\s*import\s*['"](\.[^'"]+)['"]/gm);
  for (const m of statements) {
    const spec = m[4] ?? m[5]!;
    if (m[2]) continue;
    const clause = m[3] ?? '';
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    if (braces && braces[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    out.push(resolveImport(file, spec));
  }
  return out;
}

function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return `${base}.ts`;
}

/** Every cycle's modules, as paths under src/, found by depth-first search. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)).map((p) => relative(SRC, p)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  const graph = new Map(sourceFiles(SRC).map((file) => [file, runtimeImports(file, readFileSync(file, 'utf8'))]));

  it('has no circle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the check sees a circle when there is one (and ignores type-only imports)', () => {
    const a = join(SRC, '__a.ts');
    const b = join(SRC, '__b.ts');
    const c = join(SRC, '__c.ts');
    const fake = new Map([
      [a, runtimeImports(a, "import { b } from './__b';\nimport type { C } from './__c';")],
      [b, runtimeImports(b, "export { a } from './__a';")],
      [c, runtimeImports(c, "import { type A } from './__a';")],
    ]);
    expect(cycles(fake)).toEqual([['__a.ts', '__b.ts']]);
  });
});
