// Every TypeScript and JavaScript block in README.md and docs/*.md compiles against the SDK's source, as a
// user's file importing `@firstmilelabs/cases` would; every JSON block parses. A renamed option or a
// changed signature fails here before a reader pastes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { allDocBlocks, type CodeBlock } from './markdown';

const root = join(__dirname, '..', '..');
const blocks = allDocBlocks(root);
// The blocks live (virtually) in examples/, so `./webhooks-redis-dedupe` resolves to the example it names.
const virtualDir = join(root, 'examples');

const EXTENSION: Record<string, string> = {
  ts: '.ts',
  typescript: '.ts',
  js: '.mjs',
  javascript: '.mjs',
  mjs: '.mjs',
  cjs: '.cjs',
};
/** A JavaScript block that only `require`s is CommonJS (the Custom Code and Lambda snippets). */
const extensionOf = (block: CodeBlock): string | undefined => {
  const ext = EXTENSION[block.lang];
  if (ext === '.mjs' && /\brequire\(/.test(block.code) && !/^\s*(import|export)\s/m.test(block.code)) return '.cjs';
  return ext;
};

/** `@firstmilelabs/cases` and its subpaths resolve to the entries' sources, from the list the build uses. */
function packagePaths(): Record<string, string[]> {
  const entries: Record<string, string> = JSON.parse(readFileSync(join(root, 'scripts/library-entries.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries(entries).map(([name, source]) => [
      name === 'index' ? '@firstmilelabs/cases' : `@firstmilelabs/cases/${name.replace(/\/index$/, '')}`,
      [join(root, source)],
    ]),
  );
}

// Packages the guides show that ship no types of their own: typed as `any`, so only our API is checked.
const UNTYPED_MODULES = "declare module 'express';\ndeclare module 'hono';\n";

it('finds the code blocks of the README and the guides', () => {
  expect(blocks.filter((b) => extensionOf(b)).length).toBeGreaterThan(10);
});

it('type-checks every TypeScript and JavaScript block', () => {
  const files = new Map<string, { block: CodeBlock; text: string; preludeLines: number }>();
  blocks.forEach((block, n) => {
    const ext = extensionOf(block);
    if (!ext) return;
    const prelude = block.prelude ? `${block.prelude}\n` : '';
    files.set(join(virtualDir, `__doc_block_${n}${ext}`), {
      block,
      text: prelude + block.code,
      preludeLines: prelude.split('\n').length - 1,
    });
  });
  files.set(join(virtualDir, '__doc_untyped_modules.d.ts'), {
    block: blocks[0]!,
    text: UNTYPED_MODULES,
    preludeLines: 0,
  });

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    strict: true,
    allowJs: true,
    checkJs: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    paths: packagePaths(),
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => files.has(path) || fileExists.call(host, path);
  host.readFile = (path) => files.get(path)?.text ?? readFile.call(host, path);
  host.getSourceFile = (path, language, ...rest) => {
    const file = files.get(path);
    return file
      ? ts.createSourceFile(path, file.text, language, true)
      : getSourceFile.call(host, path, language, ...rest);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });

  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const file = d.file && files.get(d.file.fileName);
    if (!d.file || !file) return `${d.file?.fileName ?? '(options)'}: ${message}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const [doc, fence] = file.block.where.split(':');
    const at =
      line < file.preludeLines
        ? `${file.block.where} (prelude)`
        : `${doc}:${Number(fence) + 1 + line - file.preludeLines}`;
    return `${at}: ${message}`;
  });
  expect(problems).toEqual([]);
}, 120_000);

it('parses every JSON block', () => {
  const problems = blocks
    .filter((b) => b.lang === 'json')
    .flatMap((b) => {
      try {
        JSON.parse(b.code);
        return [];
      } catch (err) {
        return [`${b.where}: ${(err as Error).message}`];
      }
    });
  expect(problems).toEqual([]);
});
