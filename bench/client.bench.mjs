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
// Candidates are interleaved per call (A, B, C, D, then B, C, D, A, …: the order rotates so none always
// runs first), each call timed on its own. Several rounds; the table shows min / median / max over rounds
// of each round's median call, and each candidate's ratio to raw fetch within the same round.
//
// Run after a build: `npm run build && node bench/client.bench.mjs`. Writes bench/results/client.json.
// BENCH_ROUNDS (default 7) and BENCH_CALLS (calls per candidate per round, default 1500) tune it.
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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 1500);
const TARGET = 1.15; // cases.create ≤ 1.15× raw fetch

// ---------------------------------------------------------------------------------------- server
// A minimal FML: token endpoint and POST /v1/cases, answering a realistic case. Its own process.
const SERVER = `
import { createServer } from 'node:http';
const caseJson = JSON.stringify({ caseId: 'CS-1', customerEmail: 'jane@acme.example', status: 'in-progress', source: 'api', crmRecordId: '1', crmSource: 'hubspot', customerPortalUrl: 'https://app.firstmilelabs.com/', analystUrl: 'https://cases.firstmilelabs.com/?case=CS-1', createdAt: '2026-05-15T09:14:11Z' });
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
const body = { customerEmail: 'jane@acme.example', customerName: 'Jane Doe', companyName: 'Acme Ltd', country: 'United Kingdom', crmRecordId: '1', crmSource: 'hubspot', sendInvite: true };
const headers = (key) => ({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer tok', 'idempotency-key': key, 'user-agent': 'bench' });
// Pacing off: the bench sends thousands of calls to a server without FML's 120/min limit.
const fml = new FmlClient({ clientId: 'pk', clientSecret: 'sk', baseUrl, env: {}, rateLimit: false });
const bare = createClient({ baseUrl, headers: { authorization: 'Bearer tok', 'user-agent': 'bench' } });
let n = 0;
const check = (caseId) => {
  if (caseId !== 'CS-1') throw new Error('a candidate did not get the case back');
};
const candidates = {
  'raw fetch (baseline)': async () => {
    const res = await fetch(`${baseUrl}/v1/cases`, { method: 'POST', headers: headers(`bench-${++n}`), body: JSON.stringify(body) });
    check((await res.json()).caseId);
  },
  'bare openapi-fetch': async () => {
    const { data } = await bare.POST('/v1/cases', { body, params: { header: { 'Idempotency-Key': `bench-${++n}` } } });
    check(data?.caseId);
  },
  'fml.api (openapi-fetch over the engine)': async () => {
    const { data } = await fml.api.POST('/v1/cases', { body, params: { header: { 'Idempotency-Key': `bench-${++n}` } } });
    check(data?.caseId);
  },
  'fml.cases.create': async () => {
    check((await fml.cases.create(body, { idempotencyKey: `bench-${++n}` })).case.caseId);
  },
};
const BASE = Object.keys(candidates)[0];
const SDK = 'fml.cases.create';

/** One round: CALLS calls of each candidate, interleaved per call with a rotating order; median µs per candidate. */
async function round() {
  const entries = Object.entries(candidates);
  const times = entries.map(() => new Float64Array(CALLS));
  for (let i = 0; i < CALLS; i++) {
    for (let k = 0; k < entries.length; k++) {
      const j = (i + k) % entries.length;
      const t0 = performance.now();
      await entries[j][1]();
      times[j][i] = performance.now() - t0;
    }
  }
  return Object.fromEntries(entries.map(([name], j) => [name, times[j].sort()[CALLS >> 1] * 1000]));
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

try {
  // Warm up: JIT, keep-alive sockets, the token.
  for (let i = 0; i < 300; i++) for (const fn of Object.values(candidates)) await fn();
  const perRound = [];
  for (let r = 0; r < ROUNDS; r++) perRound.push(await round());
  const rows = Object.keys(candidates).map((name) => ({ name, us: stats(perRound.map((x) => x[name])), ratio: stats(perRound.map((x) => x[name] / x[BASE])) }));
  const tokenRequests = Number(await (await fetch(`${baseUrl}/_tokens`)).text());

  const f = (x) => x.toFixed(1);
  const f3 = (x) => x.toFixed(3);
  const load = loadavg()[0];
  console.log(`cases.create per call, Node ${process.version}, server in another process; ${ROUNDS} rounds × ${CALLS} calls per candidate, interleaved per call, median call per round; load average ${load.toFixed(2)}\n`);
  console.log(`  ${'candidate'.padEnd(42)}${'µs/call min / med / max'.padStart(26)}${'vs raw fetch min / med / max'.padStart(32)}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(42)}${`${f(r.us.min)} / ${f(r.us.median)} / ${f(r.us.max)}`.padStart(26)}${`${f3(r.ratio.min)} / ${f3(r.ratio.median)} / ${f3(r.ratio.max)}×`.padStart(32)}`);
  const sdk = rows.find((r) => r.name === SDK).ratio.median;
  console.log(`\ntarget: cases.create ≤ ${TARGET}× raw fetch (median over rounds): ${f3(sdk)} — ${sdk <= TARGET ? 'met' : 'MISSED'} · token requests: ${tokenRequests} (target 1)\n`);

  const out = new URL('./results/', import.meta.url);
  await mkdir(out, { recursive: true });
  const result = { benchmark: 'client', node: process.version, date: new Date().toISOString(), loadAverage1m: load, measure: 'median µs per call in each round (per-call interleaving); min/median/max over rounds; ratio to raw fetch within each round', rounds: ROUNDS, callsPerRound: CALLS, candidates: rows, tokenRequests, target: { casesCreateVsRawFetch: TARGET, met: sdk <= TARGET } };
  await writeFile(new URL('client.json', out), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  child.kill();
}
