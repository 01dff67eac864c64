import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// One build for the npm package: every public entry point as ESM + CJS with its own .d.ts/.d.cts.
// The HubSpot paste-ready copy is built separately (see scripts/), because it must inline everything.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'webhooks/index': 'src/webhooks/index.ts',
    'hubspot/index': 'src/hubspot/index.ts',
    'sandbox/index': 'src/sandbox/index.ts',
    'sandbox/cli': 'src/sandbox/cli.ts',
    'hubspot/publish-workflow-action': 'src/hubspot/workflow-action/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
  // Errors match `instanceof` across entry points by class name (see src/errors.ts): keep the names.
  esbuildOptions(options) {
    options.keepNames = true;
  },
  // The webhook JSON Schemas ship as `@firstmilelabs/cases/schemas/*` (package.json exports map it to
  // dist/schemas). Node's fs.cp rather than a shell `cp`, so the build works on Windows too.
  onSuccess: async () => {
    await cp('generated/schemas', 'dist/schemas', { recursive: true });
  },
});
