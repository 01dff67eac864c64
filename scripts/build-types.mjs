#!/usr/bin/env node
// Writes the published type declarations: dist/<entry>.d.ts (for `import`) and .d.cts (for `require`),
// one bundle per public entry point, sharing chunks for the types the entries have in common.
//
// Why not tsup's `dts: true`: tsup bundles declarations with rollup and cannot turn off rollup's
// `minifyInternalExports`, so shared chunks exported `FieldError as b` and editor hovers showed `b[]`.
// Here rollup-plugin-dts runs directly with that option off, so every type keeps its source name.
// Run after `tsup` (npm run build does both). `--out DIR` writes elsewhere (the tests use it).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entries = JSON.parse(await readFile(resolve(root, 'scripts/library-entries.json'), 'utf8'));
const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8'));
// Runtime dependencies stay imports in the declarations, as they do in the JavaScript.
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });

const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : resolve(root, 'dist');

const bundle = await rollup({
  input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, resolve(root, file)])),
  external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
  // `stripInternal`: what is marked `@internal` (the resources' constructors, which take the private
  // transport) stays out of the published declarations, so they name no type a user cannot import.
  plugins: [dts({ tsconfig: resolve(root, 'tsconfig.json'), compilerOptions: { noEmit: false, stripInternal: true } })],
  onwarn(warning, warn) {
    // Type-only import cycles are harmless in declarations.
    if (warning.code === 'CIRCULAR_DEPENDENCY') return;
    // A public declaration naming a type no entry exports breaks consumers' own declarations (TS2742):
    // an error here, not a line in the build log nobody reads.
    if (warning.plugin === 'dts') throw new Error(`build-types: ${warning.message}`);
    warn(warning);
  },
});
for (const ext of ['d.ts', 'd.cts']) {
  await bundle.write({
    dir: outDir,
    format: 'es',
    minifyInternalExports: false,
    entryFileNames: `[name].${ext}`,
    chunkFileNames: `types/[name]-[hash].${ext}`,
  });
}
await bundle.close();
