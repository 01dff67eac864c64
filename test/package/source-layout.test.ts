// src/README.md says which folder is which public entry point and which are internal; this keeps that table
// true as the tree changes, and keeps every hand-written source file within 400 lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const src = join(root, 'src');
const table = readFileSync(join(src, 'README.md'), 'utf8');
const entries = JSON.parse(readFileSync(join(root, 'scripts/library-entries.json'), 'utf8')) as Record<string, string>;

/** The table's rows: the names in the first column and the subpath in the second (undefined for internal). */
const rows = [...table.matchAll(/^\| (.+?) \| (.+?) \|/gm)].slice(1).map((m) => ({
  names: [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((n) => n[1]!),
  publicAs: /`(@firstmilelabs\/cases[^`]*)`/.exec(m[2] ?? '')?.[1],
}));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The TypeScript files under `dir` longer than `max` lines, with their line counts. */
function longerThan(dir: string, max: number): (readonly [string, number])[] {
  return files(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > max);
}

describe('src/ layout', () => {
  it('lists every top-level folder and file of src/, and every folder of src/internal/, once', () => {
    const listed = rows.flatMap((r) => r.names).sort();
    const internal = join(src, 'internal');
    const present = [
      ...readdirSync(src)
        .filter((name) => name !== 'README.md')
        .map((name) => (statSync(join(src, name)).isDirectory() ? `${name}/` : name)),
      ...readdirSync(internal)
        .filter((name) => statSync(join(internal, name)).isDirectory())
        .map((name) => `internal/${name}/`),
    ].sort();
    expect(listed).toEqual(present);
  });

  it('marks public exactly the entry points the package builds, under their package subpath', () => {
    const marked = rows
      .filter((r) => r.publicAs)
      .map((r) => `${r.publicAs} ← src/${r.names[0] === 'index.ts' ? 'index.ts' : `${r.names[0]}index.ts`}`)
      .sort();
    const built = Object.entries(entries)
      .map(
        ([name, file]) => `@firstmilelabs/cases${name === 'index' ? '' : `/${name.replace(/\/index$/, '')}`} ← ${file}`,
      )
      .sort();
    expect(marked).toEqual(built);
  });

  it('keeps every file of the HubSpot workflow action within 300 lines (issue 13: one flow per file)', () => {
    expect(longerThan(join(src, 'hubspot', 'workflow-action'), 300)).toEqual([]);
  });

  it('has no hand-written source file over 400 lines', () => {
    expect(longerThan(src, 400)).toEqual([]);
  });
});
