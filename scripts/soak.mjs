#!/usr/bin/env node
// `npm run soak`: the full fault soak — 2,000 creates through the SDK against the sandbox with ~20% of
// requests faulted, and every resulting webhook delivered to de-duplicating replicas with faults of
// their own. Prints the outcome and exits 1 if any invariant broke (duplicates, lost cases, untyped
// errors, unhandled rejections, events applied twice or never).
//
//   node scripts/soak.mjs [--creates 2000] [--fault-rate 0.2] [--seed N] [--json]
//
// Uses a real Redis (shared token store + cross-replica de-duplication) when `redis-server` is
// installed; otherwise runs in memory and says so. The soak's TypeScript is bundled with esbuild into
// node_modules/.cache, so this works from a clean checkout without `npm run build`.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadSoak() {
  const outdir = join(ROOT, 'node_modules/.cache/fml-scale');
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, 'soak.mjs');
  await build({
    stdin: {
      contents: [
        "export { runSoak } from './test/scale/soak.ts';",
        "export { startRedisServer, findRedisServer } from './test/helpers/redis-server.ts';",
        "export { nodeRedis } from './test/scale/redis-clients.ts';",
        "export { startSandbox } from './src/sandbox/index.ts';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    // Resolved from the project's node_modules at run time (the bundle sits below it).
    external: ['redis', 'ioredis', 'esbuild'],
    // Bundled CommonJS dependencies may call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __soakCreateRequire } from 'node:module'; const require = __soakCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

function argValue(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

/** Checks the invariants; returns the broken ones. */
export function brokenInvariants(result) {
  const c = result.creates;
  const w = result.webhooks;
  const checks = [
    ['creates ended untyped', c.untypedErrors],
    ['creates unaccounted', c.calls - c.succeeded - c.typedErrors],
    ['duplicate cases', c.duplicates],
    ['replays that returned another case', c.replayMismatches],
    ['lost cases', c.lost],
    ['events applied twice', w.appliedTwice],
    ['events never applied', w.notApplied],
    ['unhandled rejections', result.unhandledRejections],
  ];
  return checks.filter(([, n]) => n !== 0).map(([what, n]) => `${what}: ${n}`);
}

export function printSoak(result, { redis }) {
  const c = result.creates;
  const w = result.webhooks;
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
  const kinds = (o) =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const rows = [
    ['seed', result.seed],
    ['token store / dedupe', redis ? 'Redis (shared)' : 'in memory (no redis-server found)'],
    ['— creates —', ''],
    ['calls', c.calls],
    ['API requests', c.requests],
    ['faults injected', `${c.faultsInjected} (${pct(c.faultsInjected, c.requests)}): ${kinds(c.faultsByKind)}`],
    ['succeeded first time', c.succeeded],
    ['ended in a typed error', `${c.typedErrors}${c.typedErrors ? ` (${kinds(c.errorCodes)})` : ''}`],
    ['ended untyped (target 0)', c.untypedErrors],
    ['committed, then the call failed', c.committedThenFailed],
    ['token mints', c.tokenMints],
    ['cases in sandbox', c.casesInSandbox],
    ['duplicates (target 0)', c.duplicates],
    ['replay mismatches (target 0)', c.replayMismatches],
    ['lost (target 0)', c.lost],
    ['duration', `${(c.durationMs / 1000).toFixed(1)} s`],
    ['— webhooks —', ''],
    ['events', w.events],
    ['deliveries received', w.deliveries],
    ['faults injected', `${w.faultsInjected} (${pct(w.faultsInjected, w.deliveries)}): ${kinds(w.faultsByKind)}`],
    ['redelivered by hand', w.redeliveredByHand],
    ['redelivered after retries ran out', w.reconciled],
    ['applied twice (target 0)', w.appliedTwice],
    ['never applied (target 0)', w.notApplied],
    ['duration', `${(w.durationMs / 1000).toFixed(1)} s`],
    ['unhandled rejections (target 0)', result.unhandledRejections],
  ];
  const width = Math.max(...rows.map(([k]) => String(k).length));
  for (const [k, v] of rows) console.log(`${String(k).padEnd(width)}  ${v}`);
}

async function main() {
  const soak = await loadSoak();
  const creates = argValue('creates', 2000);
  const faultRate = argValue('fault-rate', 0.2);
  const seed = argValue('seed', undefined);
  const server = soak.findRedisServer() ? await soak.startRedisServer() : undefined;
  if (!server)
    console.warn(
      'redis-server not found: running with in-memory stores (install redis-server for the shared-store soak).',
    );
  try {
    const result = await soak.runSoak({
      creates,
      faultRate,
      concurrency: 32,
      clients: 4,
      replicas: 3,
      ...(seed === undefined ? {} : { seed }),
      ...(server ? { redis: { url: server.url, connect: (url) => soak.nodeRedis.connect(url) } } : {}),
    });
    if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
    else printSoak(result, { redis: Boolean(server) });
    const broken = brokenInvariants(result);
    if (broken.length) {
      console.error(`\nSOAK FAILED: ${broken.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log(
        '\nsoak passed: every call ended in a case or a typed error; no duplicates, nothing lost, every event applied once.',
      );
    }
  } finally {
    await server?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
