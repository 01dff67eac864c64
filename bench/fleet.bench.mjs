// Fleet pacing: 8 processes × 150 creates under ONE client id against the sandbox with its rate limit scaled
// to 120 requests / 6 s (FML's 120 / 60 s, ten times faster, so the run takes about a minute). Paced (the
// Redis-shared limiter) and unpaced (rateLimit: false, retrying 429s) runs are printed side by side: time
// against the floor the limit sets, 429s seen, duplicates. The sandbox runs in this process, the clients
// in 8 others. Needs `npm run build` (npm run bench does it) and `redis-server` on PATH.
// Writes bench/results/fleet.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSoak } from '../scripts/soak.mjs';
import { forkWorker, runFleet, stopWorkers } from './fork-worker.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROCESSES = Number(process.env.FLEET_PROCESSES ?? 8);
const PER_PROCESS = Number(process.env.FLEET_PER_PROCESS ?? 150);
const LIMIT = { limit: 120, windowMs: 6000 };
const TOTAL = PROCESSES * PER_PROCESS;
// The first `limit` go at once; each further `limit` needs one more whole window.
const FLOOR_MS = (Math.ceil(TOTAL / LIMIT.limit) - 1) * LIMIT.windowMs;

const soak = await loadSoak();
if (!soak.findRedisServer()) {
  console.warn(
    'fleet bench skipped: it needs redis-server on PATH (apt-get install -y redis-server, brew install redis).',
  );
  process.exit(0);
}

async function fleetRun(redisUrl, paced) {
  const seen = { 429: 0, api: 0, tokens: 0 };
  const sb = await soak.startSandbox({
    rateLimit: { limit: LIMIT.limit, windowSeconds: LIMIT.windowMs / 1000 },
    onRequest: (e) => {
      if (e.path === '/v1/oauth/token') seen.tokens++;
      else seen.api++;
      if (e.status === 429) seen[429]++;
    },
  });
  const prefix = `fleet-${paced ? 'paced' : 'unpaced'}-${Date.now()}:`;
  const workers = Array.from({ length: PROCESSES }, (_, worker) => {
    return forkWorker(join(ROOT, 'bench', 'fleet-worker.cjs'), {
      FML_FLEET_WORKER: JSON.stringify({
        sandboxUrl: sb.url,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        redisUrl,
        prefix,
        worker,
        count: PER_PROCESS,
        paced,
        limit: LIMIT,
      }),
    });
  });
  try {
    const { reports, ms } = await runFleet(workers);
    const ok = reports.reduce((n, r) => n + r.ok, 0);
    const failures = reports.flatMap((r) => r.failures);
    const crmIds = sb.cases.map((c) => c.crmRecordId);
    return {
      paced,
      creates: TOTAL,
      succeeded: ok,
      failed: failures.length,
      failureCodes: [...new Set(failures)],
      seconds: +(ms / 1000).toFixed(1),
      floorSeconds: FLOOR_MS / 1000,
      vsFloor: +(ms / FLOOR_MS).toFixed(3),
      requestsSeen: seen.api,
      responses429: seen[429],
      tokenRequests: seen.tokens,
      casesInSandbox: crmIds.length,
      duplicates: crmIds.length - new Set(crmIds).size,
    };
  } finally {
    stopWorkers(workers);
    await sb.close();
  }
}

const server = await soak.startRedisServer();
let results;
try {
  const paced = await fleetRun(server.url, true);
  const unpaced = await fleetRun(server.url, false);
  results = {
    processes: PROCESSES,
    perProcess: PER_PROCESS,
    limit: LIMIT,
    target: { vsFloor: 1.05, responses429: 0, duplicates: 0 },
    paced,
    unpaced,
  };
} finally {
  await server.stop();
}

const row = (name, r) =>
  `| ${name} | ${r.succeeded} / ${r.creates} | ${r.seconds} s | ${r.vsFloor}× | ${r.responses429} | ${r.requestsSeen} | ${r.duplicates} |`;
console.log(
  `Fleet: ${PROCESSES} processes × ${PER_PROCESS} creates, one client id, sandbox limit ${LIMIT.limit} / ${LIMIT.windowMs / 1000} s (floor ${FLOOR_MS / 1000} s)\n`,
);
console.log(
  '| run | created | time | vs floor (target ≤ 1.05×) | 429s (target 0) | API requests | duplicates (target 0) |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(row('paced (RedisRateLimitStore)', results.paced));
console.log(row('unpaced (rateLimit: false)', results.unpaced));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'fleet.json'), `${JSON.stringify(results, null, 2)}\n`);
