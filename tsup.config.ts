import { cp } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';
import libraryEntries from './scripts/library-entries.json';

// Shared by both builds. `dist/` is emptied by the build script first, not by tsup's `clean`, because
// tsup runs the two configs in parallel and one's clean could delete the other's output.
const common: Options = {
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  splitting: false,
  treeshake: true,
  clean: false,
  // Errors still print; the per-file size lines only buried `npm test`'s summary.
  silent: true,
  // Errors match `instanceof` across entry points by class name (see src/errors.ts): keep the names.
  esbuildOptions(options) {
    options.keepNames = true;
  },
};

export default defineConfig([
  // The library: every public entry point as ESM + CJS. Their .d.ts/.d.cts come from
  // scripts/build-types.mjs (which keeps type names readable in editor hovers), not from tsup.
  {
    ...common,
    entry: libraryEntries,
    format: ['esm', 'cjs'],
    dts: false,
    // The webhook JSON Schemas ship as `@firstmilelabs/cases/schemas/*` (package.json exports map it to
    // dist/schemas). Node's fs.cp rather than a shell `cp`, so the build works on Windows too.
    onSuccess: async () => {
      await cp('generated/schemas', 'dist/schemas', { recursive: true });
    },
  },
  // The commands (`bin`): run by node, never imported, so ESM only and no type declarations.
  {
    ...common,
    entry: {
      'sandbox/cli': 'src/sandbox/cli.ts',
      'hubspot/publish-workflow-action': 'src/hubspot/workflow-action/cli.ts',
    },
    format: ['esm'],
    dts: false,
  },
]);
