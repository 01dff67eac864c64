#!/usr/bin/env node
// Per-call cost of creating a case, each SDK path against raw `fetch` sending the same request, in the
// same run, against one loopback FML stand-in running in ANOTHER process (so its work never shares this
// process's event loop or JIT with the candidates):
//
//   raw fetch            fetch + JSON.stringify + res.json(), the token already in hand
//   bare openapi-fetch   createClient<paths>({ fetch }).POST('/v1/cases'), same headers, no SDK
//   fml.api              the SDK's openapi-fetch client over its engine (token cache, retry rules, hooks)
//   cases.create         the SDK's thin method: local validation, idempotency key, engine, replayed
//
// The bodies are the spec's own examples (openapi.yaml's HubSpot create request and its 201 case, ~520 B).
// Two modes, each its own table:
//   sequential   one call at a time. Candidates are interleaved per call (A, B, C, D, then B, C, D, A, …:
//                the order rotates so none always runs first), each call timed on its own; a round's
//                figure is its median call.
//   32 at once   32 calls of one candidate in flight together (a burst, as a queue worker sends them),
//                the candidates' bursts interleaved the same way; a round's figure is its median burst ÷ 32.
// Several rounds; each table shows min / median / max over rounds, and each candidate's ratio to raw
// fetch within the same round.
//
// Run after a build: `npm run build && node bench/client.bench.mjs`. Writes bench/results/client.json.
// BENCH_ROUNDS (default 7), BENCH_CALLS (sequential calls per candidate per round, default 1500) and
// BENCH_BURSTS (32-call bursts per candidate per round, default 150) tune it. BENCH_BASELINE_DIST=<dir>
// adds `cases.create` from another build (e.g. a copy of main's dist/) as a candidate, for a before/after
// measured in the same run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import createClient from 'openapi-fetch';

const distEntry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(distEntry)) {
  console.error('dist/index.js is missing: run `npm run build` first.');
  process.exit(1);
}
const { FmlClient } = await import(distEntry.href);

const { sampleAnswers, sampleRequests } = await import(new URL('../dist/fixtures/index.js', import.meta.url).href);
const baselineDist = process.env.BENCH_BASELINE_DIST;
const Baseline = baselineDist
  ? (await import(new URL(`file://${baselineDist.replace(/\/?$/, '/')}index.js`).href)).FmlClient
  : undefined;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 1500);
const BURSTS = Number(process.env.BENCH_BURSTS ?? 150);
const CONCURRENCY = 32;
const TARGET = 1.1; // cases.create ≤ 1.10× raw fetch, sequential and 32 at once (issue 14)

// ---------------------------------------------------------------------------------------- server
// A minimal FML: token endpoint and POST /v1/cases, answering a realistic case. Its own process.
const answer = sampleAnswers.createCase['201'].created.value;
const SERVER = `
import { createServer } from 'node:http';
const caseJson = ${JSON.stringify(JSON.stringify(answer))};
let tokens = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/oauth/token') {
      tokens++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
    } else if (req.url === '/_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(String(tokens));
    } else {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req_1' }).end(caseJson);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;
const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
});
const baseUrl = `http://127.0.0.1:${port}`;

// ---------------------------------------------------------------------------------------- candidates
const body = sampleRequests.createCase.hubspot.value;
const headers = (key) => ({
  accept: 'application/json',
  'content-type': 'application/json',
  authorization: 'Bearer tok',
  'idempotency-key': key,
  'user-agent': 'bench',
});
// Pacing off: the bench sends thousands of calls to a server without FML's 120/min limit.
const fml = new FmlClient({ clientId: 'pk', clientSecret: 'sk', baseUrl, env: {}, rateLimit: false });
const bare = createClient({ baseUrl, headers: { authorization: 'Bearer tok', 'user-agent': 'bench' } });
let n = 0;
const check = (caseId) => {
  if (caseId !== answer.caseId) throw new Error('a candidate did not get the case back');
};
const candidates = {
  'raw fetch (baseline)': async () => {
    const res = await fetch(`${baseUrl}/v1/cases`, {
      method: 'POST',
      headers: headers(`bench-${++n}`),
      body: JSON.stringify(body),
    });
    check((await res.json()).caseId);
  },
  'bare openapi-fetch': async () => {
    const { data } = await bare.POST('/v1/cases', { body, params: { header: { 'Idempotency-Key': `bench-${++n}` } } });
    check(data?.caseId);
  },
  'fml.api (openapi-fetch over the engine)': async () => {
    const { data } = await fml.api.POST('/v1/cases', {
      body,
      params: { header: { 'Idempotency-Key': `bench-${++n}` } },
    });
    check(data?.caseId);
  },
  'fml.cases.create': async () => {
    check((await fml.cases.create(body, { idempotencyKey: `bench-${++n}` })).case.caseId);
  },
};
if (Baseline) {
  const before = new Baseline({ clientId: 'pk', clientSecret: 'sk', baseUrl, env: {}, rateLimit: false });
  candidates['fml.cases.create (BENCH_BASELINE_DIST)'] = async () => {
    check((await before.cases.create(body, { idempotencyKey: `bench-${++n}` })).case.caseId);
  };
}
const BASE = Object.keys(candidates)[0];
const SDK = 'fml.cases.create';

/** A burst: CONCURRENCY calls of one candidate in flight together. */
const burstOf = (fn) => () => Promise.all(Array.from({ length: CONCURRENCY }, fn));

/**
 * One round: `count` runs of each candidate's `run` (a call, or a burst), interleaved with a rotating
 * order; the median run per candidate, in µs per call.
 */
async function round(count, perRun, runOf) {
  const entries = Object.entries(candidates).map(([name, fn]) => [name, runOf(fn)]);
  const times = entries.map(() => new Float64Array(count));
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < entries.length; k++) {
      const j = (i + k) % entries.length;
      const t0 = performance.now();
      await entries[j][1]();
      times[j][i] = performance.now() - t0;
    }
  }
  return Object.fromEntries(entries.map(([name], j) => [name, (times[j].sort()[count >> 1] * 1000) / perRun]));
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

try {
  // Warm up: JIT, keep-alive sockets, the token.
  for (let i = 0; i < 300; i++) for (const fn of Object.values(candidates)) await fn();
  for (let i = 0; i < 20; i++) for (const fn of Object.values(candidates)) await burstOf(fn)();
  const f = (x) => x.toFixed(1);
  const f3 = (x) => x.toFixed(3);
  const modes = [];
  for (const mode of [
    {
      name: 'sequential',
      count: CALLS,
      perRun: 1,
      runOf: (fn) => fn,
      how: `${CALLS} calls per candidate per round, interleaved per call, median call per round`,
    },
    {
      name: `${CONCURRENCY} at once`,
      count: BURSTS,
      perRun: CONCURRENCY,
      runOf: burstOf,
      how: `${BURSTS} bursts of ${CONCURRENCY} concurrent calls per candidate per round, interleaved per burst, median burst ÷ ${CONCURRENCY} per round`,
    },
  ]) {
    const loadBefore = loadavg()[0];
    const perRound = [];
    for (let r = 0; r < ROUNDS; r++) perRound.push(await round(mode.count, mode.perRun, mode.runOf));
    const rows = Object.keys(candidates).map((name) => ({
      name,
      us: stats(perRound.map((x) => x[name])),
      ratio: stats(perRound.map((x) => x[name] / x[BASE])),
    }));
    const load = (loadBefore + loadavg()[0]) / 2;
    console.log(
      `cases.create per call, ${mode.name}, Node ${process.version}, server in another process; ${ROUNDS} rounds × ${mode.how}; load average ${load.toFixed(2)}\n`,
    );
    console.log(
      `  ${'candidate'.padEnd(42)}${'µs/call min / med / max'.padStart(26)}${'vs raw fetch min / med / max'.padStart(32)}`,
    );
    for (const r of rows)
      console.log(
        `  ${r.name.padEnd(42)}${`${f(r.us.min)} / ${f(r.us.median)} / ${f(r.us.max)}`.padStart(26)}${`${f3(r.ratio.min)} / ${f3(r.ratio.median)} / ${f3(r.ratio.max)}×`.padStart(32)}`,
      );
    const sdk = rows.find((r) => r.name === SDK).ratio.median;
    console.log(
      `\n  target (${mode.name}): cases.create ≤ ${TARGET}× raw fetch (median over rounds): ${f3(sdk)} — ${sdk <= TARGET ? 'met' : 'MISSED'}\n`,
    );
    modes.push({
      mode: mode.name,
      measure: mode.how,
      loadAverage1m: +load.toFixed(2),
      candidates: rows,
      casesCreateVsRawFetch: sdk,
      met: sdk <= TARGET,
    });
  }
  const tokenRequests = Number(await (await fetch(`${baseUrl}/_tokens`)).text());
  console.log(`token requests: ${tokenRequests} (target: 1 per client)\n`);

  const out = new URL('./results/', import.meta.url);
  await mkdir(out, { recursive: true });
  const result = {
    benchmark: 'client',
    node: process.version,
    date: new Date().toISOString(),
    measure: 'µs per call; min/median/max over rounds; ratio to raw fetch within each round',
    rounds: ROUNDS,
    requestBytes: JSON.stringify(body).length,
    answerBytes: JSON.stringify(answer).length,
    modes,
    tokenRequests,
    target: { casesCreateVsRawFetch: TARGET, met: modes.every((m) => m.met) },
  };
  await writeFile(new URL('client.json', out), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  child.kill();
}
