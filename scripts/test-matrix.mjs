#!/usr/bin/env node
// The runtime matrix: test/runtimes/suite.mjs, against the BUILT package (dist/, through its exports), on
// Node 20, 22 and 24, Bun, Deno and workerd — each against a fresh sandbox this process starts, over
// loopback. On workerd the suite runs as a Worker, and the Worker receiver of docs/webhooks.md runs as its own
// Worker module, bundled the way wrangler bundles one, with the secret from a binding; the sandbox
// delivers real webhooks to it. Then a verify throughput bench per runtime.
//
//   npm run test:matrix                          # build, then every leg
//   node scripts/test-matrix.mjs bun deno        # some legs (of: node20 node22 node24 bun deno workerd workerd-nodejs-compat)
//
// Every binary comes from the npm registry (dev dependencies; Node 22/24 through `npx node@N`). A leg
// whose runtime cannot be found or started FAILS and says why; nothing is skipped.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { nodeBinary } from './node-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const run = promisify(execFile);
const entry = join(root, 'test/runtimes/entry.mjs');
const LEG_TIMEOUT_MS = 180_000;
const BENCH_ITERATIONS = 5_000;
const COMPAT_DATE = '2026-01-01';

for (const built of ['dist/index.js', 'dist/webhooks/index.js', 'dist/sandbox/index.js']) {
  if (!existsSync(join(root, built))) {
    console.error(
      `test:matrix needs the built package (${built} is missing): run \`npm run build\` (npm run test:matrix does).`,
    );
    process.exit(1);
  }
}
const { startSandbox } = await import(join(root, 'dist/sandbox/index.js'));
const { FmlClient } = await import(join(root, 'dist/index.js'));

// ---------- finding the runtimes (each failure is a reason, never a skip) ----------

/** The first candidate path that exists and answers `--version`, else throws with what was tried. */
async function firstWorking(name, candidates, versionArgs = ['--version']) {
  const tried = [];
  for (const path of candidates) {
    if (!path || !existsSync(path)) {
      tried.push(`${path ?? '(unresolvable)'}: missing`);
      continue;
    }
    try {
      const { stdout } = await run(path, versionArgs, { timeout: 30_000 });
      return { bin: path, version: stdout.trim().split('\n')[0] };
    } catch (err) {
      tried.push(`${path}: ${String(err.message).split('\n')[0]}`);
    }
  }
  throw new Error(`${name} is not installed or does not start (run npm ci). Tried ${tried.join('; ')}`);
}

const packageDir = (name) => {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
};
const inPackage = (name, ...path) => {
  const dir = packageDir(name);
  return dir && join(dir, ...path);
};
const cpu = { x64: 'x64', arm64: 'aarch64' }[process.arch] ?? process.arch;

const nodeRuntime = async (major) => firstWorking(`Node ${major}`, [await nodeBinary(major)]);

// `bun`'s and `deno`'s postinstall only move the binary of their platform package into place; when npm
// skips install scripts, the binary is still in the platform package, so both places are tried.
const bunRuntime = () =>
  firstWorking('Bun', [
    inPackage('bun', 'bin', 'bun.exe'),
    inPackage(`@oven/bun-${process.platform}-${cpu}`, 'bin', 'bun'),
  ]);
const denoRuntime = () =>
  firstWorking('Deno', [
    inPackage('deno', 'deno'),
    inPackage(`@deno/${process.platform}-${process.arch === 'arm64' ? 'arm64' : 'x64'}-glibc`, 'deno'),
  ]);
const workerdRuntime = () =>
  firstWorking('workerd', [
    inPackage(
      `@cloudflare/workerd-${process.platform}-${process.arch === 'x64' ? '64' : process.arch}`,
      'bin',
      'workerd',
    ),
    inPackage('workerd', 'bin', 'workerd'),
  ]);

// ---------- a sandbox per leg, with one real signed delivery to verify ----------

/** An HTTP server that keeps each request's raw body and headers, and answers 200. */
async function captureServer() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/fml`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function prepareLeg() {
  const runId = `m${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const requests = [];
  const sb = await startSandbox({ webhookRetryDelaysMs: [], onRequest: (entry) => requests.push(entry) });
  const capture = await captureServer();
  sb.addWebhookEndpoint(capture.url, { secret, events: ['case.created'] });
  const seeder = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, env: {} });
  const seed = await seeder.cases.create({
    customerEmail: 'seed@acme.example',
    customerName: 'Seed',
    companyName: 'Seed Ltd',
    country: 'United Kingdom',
    crmRecordId: `seed-${runId}`,
    crmSource: 'hubspot',
    sendInvite: false,
  });
  await sb.waitForDeliveries({ timeoutMs: 10_000 });
  const got = capture.received[0];
  if (!got) throw new Error('the sandbox delivered no webhook to the capture server');
  const event = JSON.parse(got.body.toString('utf8'));
  const delivery = {
    bodyBase64: got.body.toString('base64'),
    signature: got.headers['x-fml-signature'],
    secret,
    eventId: event.eventId,
    event: event.event,
  };
  // The one fault the suite expects: its first create is answered 503, and must be retried.
  const fault = sb.faults.serverError(503, { method: 'POST', path: '/v1/cases', times: 1 });
  const config = {
    baseUrl: sb.url,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    runId,
    delivery,
    benchIterations: BENCH_ITERATIONS,
  };
  const close = async () => {
    await capture.close();
    await sb.close();
  };
  return { sb, config, fault, requests, seed: seed.case, raw: got.body, close };
}

/** What the sandbox itself saw of the retried create: one case, two POSTs (503 then 201). */
function sandboxSideOfRetry(leg) {
  const problems = [];
  const retried = leg.sb.cases.filter((c) => c.crmRecordId === `${leg.config.runId}-retry`);
  if (retried.length !== 1) problems.push(`sandbox holds ${retried.length} cases for the retried create`);
  const posts = leg.requests.filter((r) => r.method === 'POST' && r.path === '/v1/cases').map((r) => r.status);
  // posts[0] is the harness's seed create.
  if (posts.slice(1, 3).join(',') !== '503,201')
    problems.push(`sandbox answered POST /v1/cases ${posts.slice(1).join(',')}`);
  return problems;
}

function mergeSandboxSide(results, leg) {
  const problems = sandboxSideOfRetry(leg);
  const row = results.find((r) => r.name.startsWith('cases.create retries'));
  if (row && problems.length)
    Object.assign(row, { ok: false, detail: `${row.detail ?? ''} | sandbox: ${problems.join('; ')}` });
  return results;
}

// ---------- Node, Bun, Deno: the suite as a script ----------

function spawnCollect(bin, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), LEG_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${err.message}` });
    });
  });
}

async function scriptLeg(runtime, argsFor) {
  const leg = await prepareLeg();
  try {
    const out = await spawnCollect(runtime.bin, argsFor(JSON.stringify(leg.config)), {
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1' },
    });
    const line = out.stdout.split('\n').find((l) => l.startsWith('@@suite '));
    if (!line)
      throw new Error(
        `the suite printed no result (exit ${out.code ?? out.signal}): ${(out.stderr || out.stdout).trim().split('\n').slice(-6).join(' | ')}`,
      );
    const report = JSON.parse(line.slice('@@suite '.length));
    const bench = report.bench.map((b) => ({ engine: b.engine, opsPerSec: Math.round((b.iterations / b.ms) * 1000) }));
    return {
      runtime: report.runtime,
      nodeCrypto: report.nodeCrypto,
      results: mergeSandboxSide(report.results, leg),
      bench,
    };
  } finally {
    await leg.close();
  }
}

// ---------- workerd: the suite and the receiver as Worker modules ----------

/** Bundles a Worker entry the way wrangler does: ESM, the workerd/worker/browser export conditions, no Node built-ins unless nodejs_compat. */
async function bundleWorker(entryFile, outFile, nodejsCompat) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entryFile],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: nodejsCompat ? ['node:*'] : [],
    logLevel: 'error',
  });
}

function workerdConfig(nodejsCompat) {
  const flags = nodejsCompat ? 'compatibilityFlags = ["nodejs_compat"],' : '';
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "suite", worker = (modules = [(name = "suite.js", esModule = embed "suite.js")], compatibilityDate = "${COMPAT_DATE}", ${flags} globalOutbound = "loopback")),
    (name = "receiver", worker = (modules = [(name = "receiver.js", esModule = embed "receiver.js")], compatibilityDate = "${COMPAT_DATE}", ${flags}
      bindings = [(name = "FML_WEBHOOK_SECRET", fromEnvironment = "FML_WEBHOOK_SECRET")])),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "suite", address = "127.0.0.1:0", http = (), service = "suite"),
    (name = "receiver", address = "127.0.0.1:0", http = (), service = "receiver"),
  ],
);
`;
}

/** Starts workerd on the config; resolves with each socket's port, read from its control fd. */
function startWorkerd(bin, dir, secret) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, FML_WEBHOOK_SECRET: secret },
    });
    const ports = {};
    let log = '';
    let control = '';
    const timer = setTimeout(
      () => fail(new Error(`workerd did not listen within 30 s: ${log.trim().split('\n').slice(-5).join(' | ')}`)),
      30_000,
    );
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('exit', (code) =>
      fail(new Error(`workerd exited (${code}): ${log.trim().split('\n').slice(-5).join(' | ')}`)),
    );
    child.stdio[3].on('data', (d) => {
      control += d;
      for (const line of control.split('\n').slice(0, -1)) {
        const msg = JSON.parse(line);
        if (msg.event === 'listen') ports[msg.socket] = msg.port;
      }
      control = control.slice(control.lastIndexOf('\n') + 1);
      if (ports.suite && ports.receiver) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          ports,
          log: () => log,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

const post = (url, body, headers = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body });

/** The receiver Worker, from outside: a delivery the sandbox makes, then the harness's signed, duplicate and tampered ones. */
async function receiverChecks(leg, receiverUrl) {
  const started = Date.now();
  const problems = [];
  const expect = (ok, what) => ok || problems.push(what);
  const headers = { 'content-type': 'application/json', 'x-fml-signature': leg.config.delivery.signature };
  const signed = await post(receiverUrl, leg.raw, headers);
  expect(
    signed.status === 200 && (await signed.text()) === '{"received":true}',
    `signed delivery answered ${signed.status}`,
  );
  const duplicate = await post(receiverUrl, leg.raw, headers);
  expect(
    duplicate.status === 200 && (await duplicate.json()).duplicate === true,
    `duplicate answered ${duplicate.status} without duplicate:true`,
  );
  const bad = Buffer.from(leg.raw);
  bad[bad.indexOf(0x3a) + 1] ^= 0x01;
  const tampered = await post(receiverUrl, bad, headers);
  expect(
    tampered.status === 400 && (await tampered.json()).error === 'signature_mismatch',
    `tampered delivery answered ${tampered.status}`,
  );
  // The sandbox delivering straight to the Worker, signed with the endpoint secret the binding holds.
  leg.sb.addWebhookEndpoint(receiverUrl, { secret: leg.config.delivery.secret, events: ['case.status.changed'] });
  leg.sb.advanceCase(leg.seed.caseId, 'approved');
  await leg.sb.waitForDeliveries({ timeoutMs: 10_000 });
  const toWorker = leg.sb.deliveries.filter((d) => d.url === new URL(receiverUrl).href);
  expect(
    toWorker.length > 0 && toWorker.every((d) => d.state === 'delivered' && d.attempts.at(-1).status === 200),
    `sandbox deliveries to the Worker: ${JSON.stringify(toWorker.map((d) => [d.state, d.attempts.map((a) => a.status)]))}`,
  );
  return {
    name: 'Worker module receiver (bundled, secret binding): sandbox delivery, signed, duplicate, tampered',
    ok: problems.length === 0,
    ...(problems.length
      ? { detail: problems.join('; ') }
      : { detail: `${toWorker.length} sandbox deliveries answered 200` }),
    ms: Date.now() - started,
  };
}

async function workerdLeg(runtime, nodejsCompat) {
  const dir = mkdtempSync(join(tmpdir(), 'fml-workerd-'));
  const leg = await prepareLeg();
  let server;
  try {
    await bundleWorker(join(root, 'test/runtimes/worker/suite-worker.mjs'), join(dir, 'suite.js'), nodejsCompat);
    await bundleWorker(join(root, 'test/runtimes/worker/receiver.mjs'), join(dir, 'receiver.js'), nodejsCompat);
    writeFileSync(join(dir, 'config.capnp'), workerdConfig(nodejsCompat));
    server = await startWorkerd(runtime.bin, dir, leg.config.delivery.secret);
    const suiteUrl = `http://127.0.0.1:${server.ports.suite}`;
    const res = await post(`${suiteUrl}/`, JSON.stringify(leg.config));
    if (res.status !== 200)
      throw new Error(
        `the suite Worker answered ${res.status}: ${(await res.text()).slice(0, 300)} ${server.log().slice(-500)}`,
      );
    const report = await res.json();
    const results = mergeSandboxSide(report.results, leg);
    results.push(await receiverChecks(leg, `http://127.0.0.1:${server.ports.receiver}/webhooks/fml`));
    // workerd's clock stands still while a request computes, so the bench is timed from here: a
    // request of N verifications minus one of none (both include the same warm-up).
    const bench = [];
    for (const engine of report.engines) {
      const timed = async (n) => {
        const t = performance.now();
        const r = await post(`${suiteUrl}/bench?engine=${engine}&n=${n}`, JSON.stringify(leg.config));
        if (r.status !== 200) throw new Error(`bench ${engine} answered ${r.status}`);
        await r.text();
        return performance.now() - t;
      };
      const base = Math.min(await timed(0), await timed(0));
      const full = Math.min(await timed(BENCH_ITERATIONS), await timed(BENCH_ITERATIONS));
      bench.push({ engine, opsPerSec: Math.round((BENCH_ITERATIONS / Math.max(full - base, 0.001)) * 1000) });
    }
    return {
      runtime: `workerd ${runtime.version.replace(/^workerd /, '')}${nodejsCompat ? ' (nodejs_compat)' : ''}`,
      nodeCrypto: report.nodeCrypto,
      results,
      bench,
    };
  } finally {
    await server?.stop();
    await leg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- the legs ----------

const LEGS = {
  node20: { find: () => nodeRuntime(20), run: (rt) => scriptLeg(rt, (config) => [entry, config]) },
  node22: { find: () => nodeRuntime(22), run: (rt) => scriptLeg(rt, (config) => [entry, config]) },
  node24: { find: () => nodeRuntime(24), run: (rt) => scriptLeg(rt, (config) => [entry, config]) },
  bun: { find: bunRuntime, run: (rt) => scriptLeg(rt, (config) => [entry, config]) },
  // No permission but the network to loopback: the SDK must not need env, read or sys access.
  deno: {
    find: denoRuntime,
    run: (rt) => scriptLeg(rt, (config) => ['run', '--no-prompt', '--allow-net=127.0.0.1', entry, config]),
  },
  workerd: { find: workerdRuntime, run: (rt) => workerdLeg(rt, false) },
  'workerd-nodejs-compat': { find: workerdRuntime, run: (rt) => workerdLeg(rt, true) },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(LEGS);
const unknown = wanted.filter((w) => !LEGS[w]);
if (unknown.length) {
  console.error(`Unknown leg(s) ${unknown.join(', ')}; the legs are ${Object.keys(LEGS).join(', ')}.`);
  process.exit(1);
}

const started = performance.now();
const legs = [];
for (const name of wanted) {
  const t = performance.now();
  let outcome;
  try {
    const runtime = await LEGS[name].find();
    outcome = await LEGS[name].run(runtime);
  } catch (err) {
    outcome = {
      runtime: name,
      results: [{ name: 'runtime starts and runs the suite', ok: false, detail: err.message }],
      bench: [],
    };
  }
  outcome.seconds = (performance.now() - t) / 1000;
  legs.push(outcome);
  const failed = outcome.results.filter((r) => !r.ok);
  console.log(
    `${failed.length ? 'FAIL' : 'ok  '} ${outcome.runtime.padEnd(36)} ${outcome.results.length - failed.length}/${outcome.results.length} in ${outcome.seconds.toFixed(1)} s${outcome.nodeCrypto === false ? ' (no node:crypto: WebCrypto path)' : ''}`,
  );
  for (const r of failed) console.log(`       ✗ ${r.name}: ${r.detail}`);
}

// ---------- the README names the versions tested ----------

// Bun, Deno and workerd are pinned by package-lock.json, so the README's runtime table must name the
// versions this run tested (Node 22/24 come from npx and move with each Node release: not checked).
const README_ROW = 'README runtime table names the version tested';
const readme = readFileSync(join(root, 'README.md'), 'utf8');
for (const leg of legs) {
  const [, name, version] = /^(Bun|Deno|workerd) (\S+)/.exec(leg.runtime) ?? [];
  if (!name) continue;
  const label = name === 'workerd' ? 'Cloudflare Workers (workerd)' : name;
  const row = readme.split('\n').find((line) => line.startsWith(`| ${label} |`));
  const ok = !!row && row.split('|')[2].includes(version);
  leg.results.push({
    name: README_ROW,
    ok,
    ...(ok ? {} : { detail: `README.md's row for ${label} should name ${version}: ${row ?? '(no row)'}` }),
    ms: 0,
  });
  if (!ok) console.log(`FAIL ${leg.runtime}: README.md's runtime table does not name ${version}`);
}

// ---------- the table ----------

const tests = [...new Set(legs.flatMap((l) => l.results.map((r) => r.name)))].sort(
  (a, b) => (a === README_ROW) - (b === README_ROW),
);
console.log('\n## Runtime matrix\n');
console.log(`| test | ${legs.map((l) => l.runtime).join(' | ')} |`);
console.log(`|---|${legs.map(() => '---').join('|')}|`);
for (const t of tests) {
  const cells = legs.map((l) => {
    const r = l.results.find((x) => x.name === t);
    return r ? (r.ok ? (r.absent ? 'pass†' : 'pass') : '**FAIL**') : '—';
  });
  console.log(`| ${t} | ${cells.join(' | ')} |`);
}
if (legs.some((l) => l.results.some((r) => r.absent)))
  console.log(
    '\n† no node:crypto in this runtime: checked that the sync verifier refuses with a clear FmlConfigError and that auto verifies with WebCrypto.',
  );
console.log(
  `\n## Webhook verify throughput (verifications/s of one sandbox delivery; node-sync = verifySignatureSync)\n`,
);
console.log('| runtime | webcrypto | node (async) | node-sync |');
console.log('|---|---|---|---|');
for (const l of legs) {
  const of = (engine) => l.bench.find((b) => b.engine === engine)?.opsPerSec?.toLocaleString('en-US') ?? '—';
  console.log(`| ${l.runtime} | ${of('webcrypto')} | ${of('node')} | ${of('node-sync')} |`);
}
const passed = legs.reduce((n, l) => n + l.results.filter((r) => r.ok).length, 0);
const failedCount = legs.reduce((n, l) => n + l.results.filter((r) => !r.ok).length, 0);
console.log(`\nMatrix: ${legs.length} runtimes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failedCount} failed`);
process.exit(failedCount === 0 ? 0 : 1);
