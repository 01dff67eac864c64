#!/usr/bin/env node
// Sandbox cost at scale: a persisted create (`POST /v1/cases`, ~600 B body) and list pages
// (`GET /v1/cases?limit=100` first page, a page from the middle by cursor, a status-filtered page, and
// `GET /v1/events?limit=100`) against states of 1k, 10k and 100k cases (3 events each), each sandbox in
// its own process, loaded from a persist file of the first format (what every version reads).
//
// Every sandbox runs at once and calls are interleaved across them (A, B, C, then B, C, A, …), so a
// busy machine slows them alike; several rounds, min / median / max of each round's median call; the
// ratio column compares each size with the 1k state of the same build in the same round (O(1) ⇒ ~1).
//
//   node bench/sandbox.bench.mjs                    this working tree's src/sandbox
//   node bench/sandbox.bench.mjs --before <git-ref> also that commit's sandbox, side by side
//
// BENCH_ROUNDS (default 5), BENCH_CALLS (creates and list calls per sandbox per round, default 20),
// BENCH_SIZES (default 1000,10000,100000). Writes bench/results/sandbox.json.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const beforeAt = process.argv.indexOf('--before');
const beforeRef = beforeAt === -1 ? undefined : process.argv[beforeAt + 1];

const work = mkdtempSync(join(tmpdir(), 'fml-sandbox-bench-'));
const cache = join(ROOT, 'node_modules/.cache/fml-bench-sandbox');
mkdirSync(cache, { recursive: true });

/** Bundles a checkout's src/sandbox/index.ts to CommonJS. */
async function bundle(srcRoot, name) {
  const outfile = join(cache, `${name}.cjs`);
  await build({
    entryPoints: [join(srcRoot, 'src/sandbox/index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}

const builds = [{ name: 'after', module: await bundle(ROOT, 'after') }];
if (beforeRef) {
  const checkout = join(work, 'before-src');
  mkdirSync(checkout);
  execFileSync('bash', ['-c', `git -C "${ROOT}" archive "${beforeRef}" src generated | tar -x -C "${checkout}"`]);
  builds.unshift({ name: `before (${beforeRef})`, module: await bundle(checkout, 'before') });
}

// ------------------------------------------------------------------------------------ the seed
const CLIENT = {
  clientId: 'pk_test_bench',
  clientSecret: 'sk_test_bench_0123456789',
  orgId: 'org_bench',
  scopes: ['cases:write', 'read:cases', 'read:events'],
  revoked: false,
};

/** A first-format persist file with `n` cases (every 10th approved) and their 3 creation events each. */
function seedFile(n) {
  const file = join(work, `seed-${n}.json`);
  const at = (i) => new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString();
  const cases = [];
  const events = [];
  let seq = 0;
  for (let i = 1; i <= n; i++) {
    const caseId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const data = {
      caseId,
      customerEmail: `owner${i}@company${i}.example`,
      customerName: `Owner ${i}`,
      companyName: `Company ${i} Holdings Ltd`,
      country: 'GB',
      entityType: null,
      crmRecordId: String(10_000_000 + i),
      crmSource: 'hubspot',
      source: 'api',
      status: i % 10 ? 'in-progress' : 'approved',
      inviteSentAt: null,
      customerPortalUrl: `http://127.0.0.1:1/_sandbox/portal/${caseId}`,
      analystUrl: `http://127.0.0.1:1/_sandbox/analyst/${caseId}`,
      companyNumber: null,
      createdAt: at(i),
      updatedAt: at(i),
    };
    cases.push({ orgId: CLIENT.orgId, seq: ++seq, stage: 'created', data });
    for (const event of ['case.created', 'case.status.changed', 'case.onboarding_progress.changed']) {
      events.push({
        orgId: CLIENT.orgId,
        seq: ++seq,
        data: {
          event,
          eventId: `evt-${seq}`,
          eventVersion: 1,
          timestamp: at(i),
          orgId: CLIENT.orgId,
          caseId,
          crmRecordId: data.crmRecordId,
          crmSource: 'hubspot',
          status: data.status,
        },
      });
    }
  }
  const snapshot = {
    version: 1,
    defaultClientId: CLIENT.clientId,
    webhookSecret: 'whsec_bench',
    signingKey: 'bench-signing-key-0123456789abcdef',
    seq,
    clients: [CLIENT],
    tokens: [],
    cases,
    events,
    idempotency: [],
    endpoints: [],
  };
  // Written in pieces: at 100k cases one JSON.stringify of the whole is ~150 MB of string.
  const parts = [
    JSON.stringify({ ...snapshot, cases: [], events: [] }).replace(
      /"cases":\[\],"events":\[\]/,
      '"cases":@C,"events":@E',
    ),
  ];
  const [head, middle, tail] = parts[0].split(/@C|@E/);
  const chunk = (list) => `[${list.map((x) => JSON.stringify(x)).join(',')}]`;
  writeFileSync(file, head + chunk(cases) + middle + chunk(events) + tail);
  return file;
}

// ----------------------------------------------------------------------------------- the servers
function startServer(module, seed, label) {
  const persistPath = join(work, `${label.replace(/\W+/g, '-')}.json`);
  execFileSync('cp', [seed, persistPath]);
  const child = fork(join(ROOT, 'bench/sandbox-server.mjs'), [], {
    env: { ...process.env, FML_BENCH_SANDBOX: JSON.stringify({ modulePath: module, persistPath }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
  return new Promise((res) => {
    child.once('message', (m) => res({ ...m, child, label }));
    child.once('exit', (code) => res({ type: 'failed', message: `exited with ${code}`, child, label }));
  });
}

async function mintFor(server) {
  const res = await fetch(`${server.url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: server.clientId,
      client_secret: server.clientSecret,
    }),
  });
  return (await res.json()).access_token;
}

let bodyNo = 0;
/** A realistic create body, ~600 B. */
const createBody = () =>
  JSON.stringify({
    customerEmail: `director.${++bodyNo}@northwind-trading-${bodyNo}.example`,
    customerName: 'Alexandra Catherine Montgomery-Whitfield',
    companyName: `Northwind Trading & Logistics Holdings Limited (${bodyNo})`,
    country: 'GB',
    crmRecordId: `${90_000_000 + bodyNo}`,
    crmSource: 'hubspot',
    sendInvite: true,
    note: 'Onboarding requested by the account team after the enterprise contract was countersigned; priority review.'.repeat(
      2,
    ),
  });

/** Times one request, ms; throws on an unexpected status. */
async function timed(server, path, init, want) {
  const started = performance.now();
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== want) throw new Error(`${server.label} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return { ms, text };
}

const OPS = {
  create: (s) => timed(s, '/v1/cases', { method: 'POST', body: createBody() }, 201),
  'list first page': (s) => timed(s, '/v1/cases?limit=100', {}, 200),
  'list middle page': (s) => timed(s, `/v1/cases?limit=100&cursor=${s.middleCursor}`, {}, 200),
  'list status=approved': (s) => timed(s, '/v1/cases?limit=100&status=approved', {}, 200),
  'events first page': (s) => timed(s, '/v1/events?limit=100', {}, 200),
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ------------------------------------------------------------------------------------------ run
const servers = [];
const loads = [];
try {
  for (const n of SIZES) {
    const seed = seedFile(n);
    for (const b of builds) {
      const label = `${b.name} @ ${n}`;
      const s = await startServer(b.module, seed, label);
      loads.push({
        build: b.name,
        cases: n,
        ok: s.type === 'ready',
        loadMs: Math.round(s.loadMs ?? 0),
        error: s.type === 'ready' ? undefined : s.message,
      });
      if (s.type !== 'ready') {
        s.child.kill();
        continue;
      }
      s.build = b.name;
      s.cases = n;
      s.token = await mintFor(s);
      s.middleCursor = Buffer.from(`sbx1:${Math.floor((n * 4) / 2)}`).toString('base64url');
      // The first format is rewritten on start (a journal) by newer builds: warm every path once.
      for (const op of Object.values(OPS)) await op(s);
      servers.push(s);
    }
    rmSync(seed, { force: true });
  }

  // times[op][label] = per-round medians
  const times = Object.fromEntries(
    Object.keys(OPS).map((op) => [op, Object.fromEntries(servers.map((s) => [s.label, []]))]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const [op, run] of Object.entries(OPS)) {
      const calls = Object.fromEntries(servers.map((s) => [s.label, []]));
      for (let i = 0; i < CALLS; i++) {
        for (let k = 0; k < servers.length; k++) {
          const s = servers[(i + k + round) % servers.length];
          // The old sandbox rewrites its whole file per create: a few calls say enough at large sizes.
          if (
            op === 'create' &&
            i >= Math.max(3, Math.round(CALLS * Math.min(1, 1000 / s.cases))) &&
            s.build !== 'after'
          )
            continue;
          calls[s.label].push((await run(s)).ms);
        }
      }
      for (const s of servers) times[op][s.label].push(median(calls[s.label]));
    }
  }

  const rows = [];
  for (const op of Object.keys(OPS)) {
    for (const s of servers) {
      const base = servers.find((x) => x.build === s.build && x.cases === SIZES[0]);
      const own = times[op][s.label];
      const ratios = own.map((ms, r) => ms / times[op][base.label][r]);
      rows.push({
        op,
        build: s.build,
        cases: s.cases,
        minMs: Math.min(...own),
        medianMs: median(own),
        maxMs: Math.max(...own),
        vsSmallest: base ? median(ratios) : null,
      });
    }
  }
  const f = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  console.log(
    `sandbox, persisted: ${ROUNDS} rounds × ${CALLS} calls per sandbox, interleaved; ms per call (min / median / max of round medians)\n`,
  );
  console.log('| operation | build | cases | min | median | max | × 1k state |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.op} | ${r.build} | ${r.cases.toLocaleString('en')} | ${f(r.minMs)} | ${f(r.medianMs)} | ${f(r.maxMs)} | ${r.vsSmallest?.toFixed(2) ?? '–'} |`,
    );
  console.log('\n| build | cases | load (ms, one process start) |');
  console.log('|---|---:|---|');
  for (const l of loads)
    console.log(`| ${l.build} | ${l.cases.toLocaleString('en')} | ${l.ok ? l.loadMs : `cannot load: ${l.error}`} |`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/sandbox.json'),
    `${JSON.stringify({ rounds: ROUNDS, calls: CALLS, sizes: SIZES, before: beforeRef ?? null, rows, loads }, null, 2)}\n`,
  );
} finally {
  for (const s of servers) s.child.kill();
  rmSync(work, { recursive: true, force: true });
}
