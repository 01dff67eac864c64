#!/usr/bin/env node
// Figures for the paste-ready HubSpot files: their size (as written, minified, gzip) against the build's
// size guard (SIZE_GUARD_BYTES, the same for both files); what loading the action costs a cold Lambda on
// Node 24 (target: ≤ 15 ms over an empty script; both spawned alternately N times in this run, medians);
// and a first execution (token + create) of the action against the seed recipe's two-fetch snippet.
// Standalone: `npm run build && node bench/hubspot.bench.mjs [runs]`.
// Writes bench/results/hubspot.json.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SIZE_GUARD_BYTES } from '../scripts/build-hubspot.mjs';
import { loadSoak } from '../scripts/soak.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Each file against the guard the build itself fails past (one figure for both).
const FILES = ['fml-hubspot-action.js', 'fml-sdk.js'].map((name) => ({
  name,
  guard: SIZE_GUARD_BYTES,
  path: join(root, 'dist', 'hubspot', name),
}));
const TARGET_LOAD_COST_MS = 15;
const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 25);

for (const f of FILES) {
  if (!existsSync(f.path)) {
    console.error(`${f.path} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
}

const { transform } = await import('esbuild');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function sizes(path) {
  const code = readFileSync(path, 'utf8');
  const minified = (await transform(code, { minify: true, loader: 'js', target: 'node20', charset: 'utf8' })).code;
  return {
    rawBytes: Buffer.byteLength(code),
    rawGzipBytes: gzipSync(code, { level: 9 }).length,
    minifiedBytes: Buffer.byteLength(minified),
    minifiedGzipBytes: gzipSync(minified, { level: 9 }).length,
    lines: code.split('\n').length,
  };
}

/** A real Node binary of this major version (npx installs it once; later calls reuse its cache). */
function nodeBinary(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const out = execFileSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], {
    cwd: tmpdir(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.trim().split('\n').pop().trim();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * Wall time of `node script` from spawn to exit, alternating the two scripts so that any drift in the
 * machine's load hits both alike. Run from a temp dir, so nothing resolves from the repo.
 */
function coldLoad(node, scripts, runs) {
  const times = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  for (let i = 0; i < runs + 2; i++) {
    for (const [name, script] of Object.entries(scripts)) {
      const started = process.hrtime.bigint();
      const r = spawnSync(node, [script], {
        cwd: dirname(script),
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.status !== 0) throw new Error(`${script} failed on ${node}: ${r.stderr}`);
      if (i >= 2) times[name].push(ms); // the first two rounds warm the OS file cache
    }
  }
  return times;
}

const work = mkdtempSync(join(tmpdir(), 'fml-hubspot-bench-'));
try {
  const sizeRows = [];
  const sizeResults = {};
  for (const f of FILES) {
    const s = await sizes(f.path);
    sizeResults[f.name] = s;
    sizeResults[f.name].guardBytes = f.guard;
    const verdict = s.minifiedBytes <= f.guard ? 'within' : 'OVER';
    sizeRows.push([
      f.name,
      kb(s.rawBytes),
      String(s.lines),
      kb(s.minifiedBytes),
      kb(s.minifiedGzipBytes),
      `${verdict} ${kb(f.guard)}`,
    ]);
  }

  // The same file an admin pastes, loaded the way HubSpot's wrapper loads it: required, exports.main read.
  const action = join(work, 'fml-hubspot-action.js');
  writeFileSync(action, readFileSync(FILES[0].path));
  const empty = join(work, 'empty.cjs');
  writeFileSync(empty, '');
  const load = join(work, 'load-action.cjs');
  writeFileSync(
    load,
    "if (typeof require('./fml-hubspot-action.js').main !== 'function') throw new Error('no exports.main');\n",
  );

  const loadResults = {};
  const loadRows = [];
  for (const major of [24, 20]) {
    const node = nodeBinary(major);
    const version = execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    const t = coldLoad(node, { empty, action: load }, RUNS);
    const r = {
      node: version,
      runs: RUNS,
      emptyScriptMedianMs: +median(t.empty).toFixed(1),
      actionMedianMs: +median(t.action).toFixed(1),
      actionLoadCostMs: +(median(t.action) - median(t.empty)).toFixed(1),
      emptyScriptP90Ms: +percentile(t.empty, 90).toFixed(1),
      actionP90Ms: +percentile(t.action, 90).toFixed(1),
    };
    loadResults[`node${major}`] = r;
    loadRows.push([
      version,
      String(RUNS),
      `${r.emptyScriptMedianMs} ms`,
      `${r.actionMedianMs} ms`,
      `+${r.actionLoadCostMs} ms`,
      `${r.emptyScriptP90Ms} / ${r.actionP90Ms} ms`,
      major === 24 ? (r.actionLoadCostMs <= TARGET_LOAD_COST_MS ? 'within' : 'OVER') : '—',
    ]);
  }

  // A first execution, as HubSpot runs a cold Lambda: a fresh process loads the file and calls main() once
  // (token + create), against the sandbox in this bench's process (not the run's). Beside it, the seed
  // recipe's snippet (two fetches, no retries, no checks) in the same conditions, alternated per run. Each
  // run is a new Company.
  const exec = join(work, 'first-execution.cjs');
  writeFileSync(
    exec,
    `const started = performance.now();
const { main } = require(process.argv[2]);
const event = { inputFields: { companyId: process.argv[3], name: 'Acme Holdings Ltd', country: 'United Kingdom', email: 'jane@acme.example', contact: 'Jane Doe' }, object: { objectType: 'COMPANY', objectId: Number(process.argv[3]) } };
let out;
Promise.resolve(main(event, (r) => (out = r))).then((r) => {
  const fields = (r ?? out)?.outputFields ?? {};
  if (!fields.caseId) throw new Error('no case id in ' + JSON.stringify(fields));
  process.stdout.write('\\nFML_BENCH_MS=' + (performance.now() - started) + '\\n');
});
`,
  );
  const seed = join(work, 'seed-snippet.js');
  writeFileSync(
    seed,
    `// The seed recipe's Custom Code snippet (reference seeds/000), its URLs pointed at FML_BASE_URL.
exports.main = async (event, callback) => {
  const { companyId, name, country, email, contact } = event.inputFields;
  const tokenRes = await fetch(process.env.FML_BASE_URL + '/v1/oauth/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: process.env.FML_CLIENT_ID, client_secret: process.env.FML_CLIENT_SECRET }) });
  const { access_token } = await tokenRes.json();
  const res = await fetch(process.env.FML_BASE_URL + '/v1/cases', { method: 'POST', headers: { Authorization: 'Bearer ' + access_token, 'Content-Type': 'application/json', 'Idempotency-Key': 'hubspot-' + companyId }, body: JSON.stringify({ customerEmail: email, customerName: contact, companyName: name, country, crmRecordId: String(companyId), crmSource: 'hubspot', sendInvite: true }) });
  const body = await res.json();
  callback({ outputFields: { caseId: body.caseId } });
};
`,
  );
  // The sandbox answers from this process: each run is spawned asynchronously (spawnSync would stop this
  // process's event loop, and with it the sandbox, until the run gave up waiting for its answers).
  const run = (node, args, env) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(node, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('error', reject);
      child.once('close', (status) =>
        resolve({ status, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    });
  const { startSandbox } = await loadSoak();
  const sb = await startSandbox({ rateLimit: false, tokenRateLimit: false });
  const firstExecution = {};
  const firstRows = [];
  try {
    const node = nodeBinary(24);
    const env = {
      PATH: process.env.PATH ?? '',
      FML_CLIENT_ID: sb.clientId,
      FML_CLIENT_SECRET: sb.clientSecret,
      FML_BASE_URL: sb.url,
    };
    const times = { seed: [], action: [] };
    const inProcess = { seed: [], action: [] };
    let company = 7_000_000;
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [name, file] of [
        ['seed', seed],
        ['action', action],
      ]) {
        const r = await run(node, [exec, file, String(++company)], env);
        const ms = r.ms;
        if (r.status !== 0) throw new Error(`first execution of ${name} failed: ${r.stderr.slice(0, 500)}`);
        if (i >= 2) {
          times[name].push(ms);
          inProcess[name].push(Number(/FML_BENCH_MS=([\d.]+)/.exec(r.stdout)?.[1]));
        }
      }
    }
    for (const name of ['seed', 'action']) {
      firstExecution[name] = {
        spawnToExitMedianMs: +median(times[name]).toFixed(1),
        spawnToExitMinMs: +Math.min(...times[name]).toFixed(1),
        spawnToExitMaxMs: +Math.max(...times[name]).toFixed(1),
        requireAndMainMedianMs: +median(inProcess[name]).toFixed(1),
      };
      const f = firstExecution[name];
      firstRows.push([
        name === 'seed' ? "seed recipe's two-fetch snippet" : 'fml-hubspot-action.js',
        String(RUNS),
        `${f.spawnToExitMinMs} / ${f.spawnToExitMedianMs} / ${f.spawnToExitMaxMs} ms`,
        `${f.requireAndMainMedianMs} ms`,
      ]);
    }
    firstExecution.actionVsSeed = +(
      firstExecution.action.spawnToExitMedianMs / firstExecution.seed.spawnToExitMedianMs
    ).toFixed(3);
  } finally {
    await sb.close();
  }

  const table = (head, rows) => {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
    return [line(head), w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
  };
  console.log(`\nHubSpot paste-ready files (each against its build guard, minified)\n`);
  console.log(table(['file', 'as written', 'lines', 'minified', 'min+gzip', 'target'], sizeRows));
  console.log(
    `\nCold load of fml-hubspot-action.js vs an empty script (process spawn → exit, median of ${RUNS}, same run; target on Node 24: ≤ +${TARGET_LOAD_COST_MS} ms)\n`,
  );
  console.log(
    table(['node', 'runs', 'empty script', 'load action', 'action costs', 'p90 empty / action', 'target'], loadRows),
  );
  console.log(
    `\nFirst execution on Node 24 (fresh process: require + main() = token + create, sandbox in another process; alternated, ${RUNS} runs each): action ${firstExecution.actionVsSeed}× the seed snippet (spawn → exit medians)\n`,
  );
  console.log(table(['candidate', 'runs', 'spawn → exit min / median / max', 'require + main(), median'], firstRows));

  const out = join(root, 'bench', 'results', 'hubspot.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ benchmark: 'hubspot', date: new Date().toISOString(), machine: { platform: process.platform, arch: process.arch }, withinTarget: Object.values(sizeResults).every((s) => s.minifiedBytes <= s.guardBytes), targetLoadCostMs: TARGET_LOAD_COST_MS, sizes: sizeResults, coldLoad: loadResults, firstExecution }, null, 2)}\n`,
  );
  console.log(`\nwrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
