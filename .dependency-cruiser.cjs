// Import rules checked by `npm run lint:imports` (part of `npm test`): no circles, and data flowing one way.
//
// Layers, lowest first. A module may import its own layer or a lower one, never a higher one ("an arrow
// back up"). The order is the one a reader follows: foundations (errors, types, internal helpers), then
// the engine, then what stands on it, then the wiring (client, entry points).
const LAYERS = [
  // 0. Foundations: imported by everything, import nothing above them. errors.ts is here on purpose.
  ['^generated/', '^src/internal/[^/]+\\.ts$', '^src/version\\.ts$', '^src/errors\\.ts$', '^src/types\\.ts$'],
  ['^src/idempotency\\.ts$', '^src/internal/validation/'],
  ['^src/internal/auth/'],
  // options.ts is the client's options: the engine reads them, and they name its hooks, clock and logger.
  ['^src/internal/engine/', '^src/options\\.ts$'],
  ['^src/internal/resources/', '^src/webhooks/', '^src/fixtures/'],
  ['^src/redis/'],
  ['^src/hubspot/(?!bundle/)'],
  ['^src/sandbox/'],
  ['^src/client\\.ts$'],
  // Entry points that bundle the whole SDK.
  ['^src/index\\.ts$', '^src/hubspot/bundle/'],
];

const upward = LAYERS.flatMap((from, rank) => {
  const above = LAYERS.slice(rank + 1).flat();
  return above.length === 0
    ? []
    : [
        {
          name: `no-upward-import-from-layer-${rank}`,
          comment: `A module of layer ${rank} (${from.join(', ')}) imports a higher layer; see .dependency-cruiser.cjs.`,
          severity: 'error',
          from: { path: from },
          to: { path: above },
        },
      ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: two modules that need each other belong in one, or a third below both.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      // A part of a folder never reaches back to the entry of a folder that holds it
      // (`hubspot/workflow-action/x.ts` → `hubspot/index.ts`): the entry stands on its parts, not the
      // other way round. (Helpers beside the entry, e.g. `sandbox/core.ts` for `sandbox/routes/`, are fine.)
      name: 'no-import-of-enclosing-folder',
      comment: 'A module imports the entry (index.ts) of a folder that encloses its own; import the part itself.',
      severity: 'error',
      from: { path: '^src/([^/]+)/[^/]+/' },
      to: { path: '^src/$1/index\\.ts$' },
    },
    {
      name: 'no-import-of-enclosing-folder-2',
      comment: 'A module imports the entry (index.ts) of a folder that encloses its own; import the part itself.',
      severity: 'error',
      from: { path: '^src/([^/]+)/([^/]+)/[^/]+/' },
      to: { path: '^src/$1/$2/index\\.ts$' },
    },
    ...upward,
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(generated|node_modules)/' },
  },
};
