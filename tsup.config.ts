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
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
});
