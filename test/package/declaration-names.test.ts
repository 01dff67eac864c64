// The published declarations must keep source type names. A consumer whose own declarations infer an
// SDK type gets `import("…").FieldError[]`, and their editor shows that name — not a bundler's
// one-letter chunk alias such as `import("…").b[]`, which tsup's bundled .d.ts produced.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;

/** Emits declarations for a consumer module beside the built declarations and returns them. */
function consumerDeclarations(source: string): string {
  const file = join(dir, 'consumer.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    outDir: join(dir, 'out'),
  });
  let emitted = '';
  const result = program.emit(undefined, (_name, text) => (emitted += text));
  const problems = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  expect(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  return emitted;
}

beforeAll(() => {
  // Inside the project, so the declarations' own imports (zod) resolve from node_modules as a user's would.
  const cache = join(process.cwd(), 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'fml-dts-'));
  execFileSync(process.execPath, ['scripts/build-types.mjs', '--out', join(dir, 'dist')], { stdio: 'pipe' });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('published declarations', () => {
  it('keep the source names of types shared between entry points', () => {
    const emitted = consumerDeclarations(`
      import type { ValidationError } from './dist/index.js';
      import { parseEvent } from './dist/webhooks/index.js';
      declare const error: ValidationError;
      export const fields = error.fields;
      export const parse = () => parseEvent('');
    `);
    expect(emitted).toMatch(/\bfields: import\("[^"]+"\)\.FieldError\[\]/);
    expect(emitted).toMatch(/\bparse: \(\) => import\("[^"]+"\)\.WebhookEvent;/);
    expect(emitted).not.toMatch(/import\("[^"]+"\)\.[A-Za-z]\b/);
  }, 120_000); // a whole type-check of the consumer: seconds idle, much longer on a busy 2-core CI machine

  it('show the resources as FmlClient hands them out, with no constructor naming the private transport', () => {
    // The build itself refuses a declaration that names a type no entry exports (scripts/build-types.mjs);
    // here a consumer sees `fml.cases` typed, and `new Cases()` refused (it is not exported as a value).
    const emitted = consumerDeclarations(`
      import { FmlClient, type Cases } from './dist/index.js';
      declare const CasesClass: typeof Cases;
      export const fml = new FmlClient({ env: {} });
      export const create = () => fml.cases.create({ customerEmail: 'jane@acme.example' });
      // @ts-expect-error the constructor is private: the transport it takes is not public
      export const made = () => new CasesClass();
    `);
    expect(emitted).toMatch(/\bcreate: \(\) => Promise<import\("[^"]+"\)\.CreateCaseResult>;/);
    expect(emitted).not.toMatch(/Transport/);
  }, 120_000);
});
