// Scale figures, standalone (builds what it needs with esbuild; needs `redis-server` on PATH):
//  1. token requests for 1,000 concurrent creates spread over 8 processes, cold cache — with the shared
//     RedisTokenStore (target 1) and, for comparison, with each process's own in-memory cache;
//  2. the fault soak: 2,000 creates with ~20% of requests faulted and their webhooks (targets: 0
//     duplicates, 0 lost, 0 untyped errors, every event applied once).
// Prints a table and writes bench/results/scale.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { brokenInvariants, loadSoak } from '../scripts/soak.mjs';
import { forkWorker, runFleet, stopWorkers } from './fork-worker.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROCESSES = 8;
const CREATES = 1000;

const soak = await loadSoak();
if (!soak.findRedisServer()) {
  // Not a failure of the SDK: the figures need a real Redis. Say so, and leave the last results in place.
  console.warn(
    'scale bench skipped: it needs redis-server on PATH (apt-get install -y redis-server, brew install redis).',
  );
  process.exit(0);
}

// Workers: the same script the multi-process test forks, bundled to CommonJS next to node_modules.
const workerDir = join(ROOT, 'node_modules/.cache/fml-scale/workers');
await build({
  entryPoints: [join(ROOT, 'test/scale/workers/token-worker.ts')],
  outdir: workerDir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['redis', 'ioredis'],
  logLevel: 'warning',
});

/** 8 processes × CREATES/8 concurrent creates against a fresh sandbox; returns token requests and time. */
async function fleetRun(redisUrl, store) {
  let tokenRequests = 0;
  const sb = await soak.startSandbox({
    rateLimit: false,
    onRequest: (e) => void (e.path === '/v1/oauth/token' && tokenRequests++),
  });
  const prefix = `bench-${store}-${Date.now()}:`; // one prefix for the whole fleet: that is what shares the token
  const workers = Array.from({ length: PROCESSES }, (_, i) => {
    return forkWorker(join(workerDir, 'token-worker.cjs'), {
      FML_WORKER_CONFIG: JSON.stringify({
        sandboxUrl: sb.url,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        redisUrl,
        kind: i % 2 ? 'ioredis' : 'redis',
        worker: i,
        count: CREATES / PROCESSES,
        prefix,
        lockTtlMs: 2000,
        store,
      }),
    });
  });
  try {
    const { reports, ms } = await runFleet(workers);
    const ok = reports.reduce((n, r) => n + r.ok, 0);
    return {
      processes: PROCESSES,
      creates: CREATES,
      succeeded: ok,
      failed: CREATES - ok,
      tokenRequests,
      ms: Math.round(ms),
      casesInSandbox: sb.cases.length,
    };
  } finally {
    stopWorkers(workers);
    await sb.close();
  }
}

const server = await soak.startRedisServer();
let results;
try {
  const shared = await fleetRun(server.url, 'redis');
  const perProcess = await fleetRun(server.url, 'memory');
  const s = await soak.runSoak({
    creates: 2000,
    faultRate: 0.2,
    concurrency: 32,
    clients: 4,
    replicas: 3,
    redis: { url: server.url, connect: (url) => soak.nodeRedis.connect(url) },
  });
  results = {
    tokenRequestsPer1000Creates: {
      sharedRedisStore: shared.tokenRequests,
      perProcessMemoryStore: perProcess.tokenRequests,
      target: 1,
      shared,
      perProcess,
    },
    soak: {
      seed: s.seed,
      calls: s.creates.calls,
      apiRequests: s.creates.requests,
      faultsInjected: s.creates.faultsInjected,
      faultShare: +(s.creates.faultsInjected / s.creates.requests).toFixed(3),
      succeededFirstTime: s.creates.succeeded,
      typedErrors: s.creates.typedErrors,
      errorCodes: s.creates.errorCodes,
      untypedErrors: s.creates.untypedErrors,
      tokenMints: s.creates.tokenMints,
      duplicates: s.creates.duplicates,
      lost: s.creates.lost,
      committedThenFailed: s.creates.committedThenFailed,
      webhookEvents: s.webhooks.events,
      webhookDeliveries: s.webhooks.deliveries,
      webhookFaultsInjected: s.webhooks.faultsInjected,
      webhookAppliedTwice: s.webhooks.appliedTwice,
      webhookNeverApplied: s.webhooks.notApplied,
      unhandledRejections: s.unhandledRejections,
      broken: brokenInvariants(s),
      target: { duplicates: 0, lost: 0, untypedErrors: 0, webhookAppliedTwice: 0, webhookNeverApplied: 0 },
    },
  };
} finally {
  await server.stop();
}

const t = results.tokenRequestsPer1000Creates;
const k = results.soak;
const rows = [
  ['token requests, 1,000 creates × 8 processes, shared RedisTokenStore', t.sharedRedisStore, 'target 1'],
  ['token requests, same, each process its own memory cache', t.perProcessMemoryStore, '(one per process)'],
  ['  fleet wall time (shared store)', `${t.shared.ms} ms`, `${t.shared.succeeded}/${t.shared.creates} created`],
  ['soak: create calls', k.calls, `seed ${k.seed}`],
  [
    'soak: API requests / faults injected',
    `${k.apiRequests} / ${k.faultsInjected}`,
    `${(k.faultShare * 100).toFixed(1)}% faulted`,
  ],
  ['soak: typed errors / untyped', `${k.typedErrors} / ${k.untypedErrors}`, 'untyped target 0'],
  ['soak: duplicates', k.duplicates, 'target 0'],
  ['soak: lost', k.lost, 'target 0'],
  [
    'soak: webhook events / deliveries / faults',
    `${k.webhookEvents} / ${k.webhookDeliveries} / ${k.webhookFaultsInjected}`,
    '',
  ],
  ['soak: events applied twice / never', `${k.webhookAppliedTwice} / ${k.webhookNeverApplied}`, 'target 0 / 0'],
];
const width = Math.max(...rows.map(([a]) => a.length));
for (const [a, b, c] of rows) console.log(`${a.padEnd(width)}  ${String(b).padStart(14)}  ${c}`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/scale.json'), `${JSON.stringify(results, null, 2)}\n`);
if (t.sharedRedisStore !== 1 || k.broken.length) process.exitCode = 1;
