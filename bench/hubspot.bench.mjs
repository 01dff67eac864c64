#!/usr/bin/env node
// Figures for the paste-ready HubSpot files: their size (as written, minified, gzip) against the build's
// 64 KB-minified guard, and what loading the action costs a cold Lambda (target: ≤ 15 ms over an empty
// script on Node 24) — the action file's load
// time on Node 24 against an empty script's, both measured in this run (spawned alternately, N times
// each, median reported). Standalone: `npm run build && node bench/hubspot.bench.mjs [runs]`.
// Writes bench/results/hubspot.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SIZE_GUARD_BYTES } from '../scripts/build-hubspot.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['fml-hubspot-action.js', 'fml-sdk.js'].map((name) => ({ name, path: join(root, 'dist', 'hubspot', name) }));
// One figure for both files: the guard the build itself fails past.
const TARGET_MINIFIED_BYTES = SIZE_GUARD_BYTES;
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
  const out = execFileSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
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
      const r = spawnSync(node, [script], { cwd: dirname(script), env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const verdict = s.minifiedBytes <= TARGET_MINIFIED_BYTES ? 'within' : 'OVER';
    sizeRows.push([f.name, kb(s.rawBytes), String(s.lines), kb(s.minifiedBytes), kb(s.minifiedGzipBytes), verdict]);
  }

  // The same file an admin pastes, loaded the way HubSpot's wrapper loads it: required, exports.main read.
  const action = join(work, 'fml-hubspot-action.js');
  writeFileSync(action, readFileSync(FILES[0].path));
  const empty = join(work, 'empty.cjs');
  writeFileSync(empty, '');
  const load = join(work, 'load-action.cjs');
  writeFileSync(load, "if (typeof require('./fml-hubspot-action.js').main !== 'function') throw new Error('no exports.main');\n");

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
    loadRows.push([version, String(RUNS), `${r.emptyScriptMedianMs} ms`, `${r.actionMedianMs} ms`, `+${r.actionLoadCostMs} ms`, `${r.emptyScriptP90Ms} / ${r.actionP90Ms} ms`, major === 24 ? (r.actionLoadCostMs <= TARGET_LOAD_COST_MS ? 'within' : 'OVER') : '—']);
  }

  const table = (head, rows) => {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
    return [line(head), w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
  };
  console.log(`\nHubSpot paste-ready files (guard: ≤ ${kb(TARGET_MINIFIED_BYTES)} minified each)\n`);
  console.log(table(['file', 'as written', 'lines', 'minified', 'min+gzip', 'target'], sizeRows));
  console.log(`\nCold load of fml-hubspot-action.js vs an empty script (process spawn → exit, median of ${RUNS}, same run; target on Node 24: ≤ +${TARGET_LOAD_COST_MS} ms)\n`);
  console.log(table(['node', 'runs', 'empty script', 'load action', 'action costs', 'p90 empty / action', 'target'], loadRows));

  const out = join(root, 'bench', 'results', 'hubspot.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ benchmark: 'hubspot', date: new Date().toISOString(), machine: { platform: process.platform, arch: process.arch }, targetMinifiedBytes: TARGET_MINIFIED_BYTES, withinTarget: Object.values(sizeResults).every((s) => s.minifiedBytes <= TARGET_MINIFIED_BYTES), targetLoadCostMs: TARGET_LOAD_COST_MS, sizes: sizeResults, coldLoad: loadResults }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
