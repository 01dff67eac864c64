import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import { redisTokenStoreFromUrl } from '../../src/redis/from-url';
import { VERSION } from '../../src/version';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { buildBundleDir, editedCopy, hubspotEvent, runAction, type RunResult } from './helpers/bundle';
import { nodeBinary } from './helpers/runtimes';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster';
import { RedisTokenStore } from '../../src/redis/token-store';
import { nodeRedis, nodeRedisCluster } from '../scale/redis-clients';
import { RateLimiter } from '../../src/internal/rate-limit/limiter';
import { RedisRateLimitStore } from '../../src/internal/rate-limit/redis-store';
import { FML_LIMITS } from '../../src/internal/rate-limit/window';

// The paste-ready action, loaded the way HubSpot loads it: a separate Node process (real Node 24 and
// Node 20) running from a temp dir outside the repo, so nothing but Node's built-ins can be required,
// with the secrets in process.env and a HubSpot-shaped event.

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

let sb: Sandbox;
/** Access tokens the sandbox has minted (successful POST /v1/oauth/token). */
let mints = 0;
/** Every `POST /v1/cases` the sandbox received, whatever it answered. */
let creates = 0;
let bundle: Awaited<ReturnType<typeof buildBundleDir>>;
let slowAction: string;
const nodes: Record<'24' | '20', string> = { '24': '', '20': '' };

beforeAll(async () => {
  [sb, bundle, nodes['24'], nodes['20']] = await Promise.all([
    startSandbox({
      rateLimit: false,
      tokenRateLimit: false,
      onRequest: (e) =>
        void (
          (e.path === '/v1/oauth/token' && e.status === 200 && mints++) ||
          (e.method === 'POST' && e.path === '/v1/cases' && creates++)
        ),
    }),
    buildBundleDir(),
    nodeBinary(24),
    nodeBinary(20),
  ]);
  // What an admin would do to tighten the budget: edit the settings block at the top of the file.
  slowAction = editedCopy(bundle.action, 'slow-budget-action.js', (src) =>
    src.replace('budgetMs: 15000,', 'budgetMs: 1200,'),
  );
}, 240_000);

afterAll(async () => {
  await sb?.close();
  bundle?.cleanup();
});

const outputs = (r: RunResult | undefined) => {
  if (r?.kind !== 'result') throw new Error(`expected outputs, got ${JSON.stringify(r)}`);
  return r.returned.outputFields;
};
const thrownOf = (r: RunResult | undefined) => {
  if (r?.kind !== 'thrown') throw new Error(`expected a thrown error, got ${JSON.stringify(r)}`);
  return r.error;
};

describe('the bundled file', () => {
  it('starts with a header naming the version and how to use it, and settings near the top', () => {
    const src = readFileSync(bundle.action, 'utf8');
    expect(src.startsWith('/*')).toBe(true);
    const header = src.slice(0, src.indexOf('*/'));
    expect(header).toContain(`@firstmilelabs/cases v${VERSION}`);
    for (const needle of [
      'FML_CLIENT_ID',
      'FML_CLIENT_SECRET',
      'REDIS_URL',
      'kyb_contact_email',
      'Copy property value',
      'fml_case_id',
      'replayed',
    ])
      expect(header).toContain(needle);
    // Step 5: the action only starts the case; FML's events reach the Company through a webhook receiver.
    expect(header).toMatch(/5\.[\s\S]*webhook receiver[\s\S]*updateCompanyFromEvent[\s\S]*6\./);
    // Step 2: companyId is optional (the enrolled Company's own id stands in).
    expect(header).toMatch(/companyId[^\n]*\(optional/);
    // Node 24 first (return style), Node 20 still served; HubSpot's dates; the secrets cap.
    const runtime = header.indexOf('RUNTIME: Node.js 24');
    expect(runtime).toBeGreaterThan(0);
    expect(runtime).toBeLessThan(header.indexOf('HOW TO USE'));
    expect(header).toMatch(/2026-11-03[\s\S]*2026-11-17/);
    expect(header).toMatch(/returns its outputs[\s\S]*Node\.js 20[\s\S]*callback/);
    expect(header).toMatch(/1,000 characters[\s\S]*secrets_too_long/);
    const sdk = readFileSync(bundle.sdk, 'utf8');
    expect(sdk.slice(0, sdk.indexOf('*/'))).toMatch(/Node\.js 24; an[\s\S]*Node\.js 20/);
    // "use strict" is the first statement, so it applies to the whole file (settings included) — and only once.
    expect(
      src
        .slice(src.indexOf('*/') + 2)
        .trimStart()
        .startsWith('"use strict";'),
    ).toBe(true);
    expect(src.match(/"use strict"/g)).toHaveLength(1);
    expect(src.indexOf('const FML_ACTION_OPTIONS = {')).toBeGreaterThan(0);
    expect(src.indexOf('const FML_ACTION_OPTIONS = {')).toBeLessThan(4500);
    expect(src.trimEnd().endsWith('exports.main = FmlHubSpot.hubspotCustomCodeAction(FML_ACTION_OPTIONS);')).toBe(true);
  });

  it('runs its settings in strict mode, and exports a main with one declared parameter', async () => {
    // An admin's typo in the settings block (an undeclared name) must fail loudly, not make a global.
    const typo = editedCopy(bundle.action, 'typo-action.js', (src) =>
      src.replace('const FML_ACTION_OPTIONS = {', 'bugetMs = 1000;\nconst FML_ACTION_OPTIONS = {'),
    );
    expect(readFileSync(typo, 'utf8')).toContain('bugetMs = 1000;');
    await expect(runAction(nodes['24'], typo, 'return', [], {})).rejects.toThrow(/bugetMs is not defined/);
    // A runtime that counts parameters to tell callback handlers (Node 20) from returning ones must see one.
    const probe = join(bundle.dir, 'length-probe.cjs');
    writeFileSync(
      probe,
      `const action = require(${JSON.stringify(bundle.action)}); exports.main = async () => ({ outputFields: { length: action.main.length } });`,
    );
    expect(outputs((await runAction(nodes['24'], probe, 'return', [{}], {})).results[0])).toEqual({ length: 1 });
  });

  it('requires nothing but, lazily, `redis` (REDIS_URL), and carries no full zod, OpenTelemetry, webhook receiver or sandbox code', () => {
    for (const file of [bundle.action, bundle.sdk, bundle.verify]) {
      const src = readFileSync(file, 'utf8');
      // The action's one loader is the REDIS_URL store's: `require(name)` (CommonJS) or `import(name)`, name = "redis".
      // fml-sdk.js (the client for one's own code, without the ready-made action) and fml-verify.js load nothing at all.
      const loads = [...src.matchAll(/\b(?:require|import)\s*\(\s*(?:\/\*[^*]*\*\/\s*)?([^)\s]*)\s*\)/g)].map(
        (m) => m[1],
      );
      expect(loads).toEqual(file === bundle.action ? ['name', 'name'] : []);
      if (file === bundle.action) expect(src).toMatch(/const name = "redis";\s*try \{/);
      // zod/mini (the npm client's own validator) is in; full zod's classes, the OpenTelemetry loader and the rest are not.
      expect(src).not.toMatch(
        /(?<!\$)\bZodString\b|opentelemetry|createWebhookHandler|startSandbox|node:http|@redis\/client/,
      );
    }
    // No esbuild export glue either (the action hands its two names to `let FmlHubSpot` itself).
    expect(readFileSync(bundle.action, 'utf8')).not.toMatch(/__toCommonJS|__export\b|__require\b/);
  });

  it('exposes the SDK for admins writing their own code below it', async () => {
    const code = `${readFileSync(bundle.sdk, 'utf8')}
const { FmlClient, idempotencyKey, companyToCreateCase } = FmlSdk;
const fml = new FmlClient();
exports.main = async (event) => {
  const { request, idempotencyKey: key } = companyToCreateCase(event.inputFields);
  const { case: kase, replayed } = await fml.cases.create(request, { idempotencyKey: key, deadlineMs: 15000 });
  return { outputFields: { caseId: kase.caseId, replayed: String(replayed), same: key === idempotencyKey.forCrmRecord('hubspot', event.object.objectId) } };
};`;
    const file = join(bundle.dir, 'own-code.js');
    writeFileSync(file, code);
    const report = await runAction(nodes['24'], file, 'return', [hubspotEvent(990001), hubspotEvent(990001)], {
      FML_CLIENT_ID: sb.clientId,
      FML_CLIENT_SECRET: sb.clientSecret,
      FML_BASE_URL: sb.url,
    });
    expect(report.loaded).toEqual([]);
    expect(outputs(report.results[0])).toMatchObject({ replayed: 'false', same: true });
    expect(outputs(report.results[1])).toMatchObject({
      caseId: outputs(report.results[0]).caseId,
      replayed: 'idempotency-key',
    });
    // And as a CommonJS module, its members are its exports.
    const probe = join(bundle.dir, 'probe.cjs');
    writeFileSync(
      probe,
      `const sdk = require(${JSON.stringify(bundle.sdk)}); exports.main = async () => ({ outputFields: { names: ['FmlClient','idempotencyKey','companyToCreateCase','RetryableActionError','ValidationError','RateLimitError','InvalidClientError','InvalidResponseError','VERSION'].filter((n) => sdk[n] === undefined).join(',') || 'all', api: typeof new sdk.FmlClient({ clientId: 'pk_x', clientSecret: 'sk_x' }).api.GET } });`,
    );
    const probed = await runAction(nodes['20'], probe, 'return', [{}], {});
    expect(outputs(probed.results[0])).toEqual({ names: 'all', api: 'function' });
  });

  it('runs examples/hubspot-custom-code.js pasted below fml-sdk.js', async () => {
    const file = join(bundle.dir, 'example-action.js');
    writeFileSync(
      file,
      `${readFileSync(bundle.sdk, 'utf8')}\n${readFileSync(join(repoRoot, 'examples/hubspot-custom-code.js'), 'utf8')}`,
    );
    const env = { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: sb.url };
    const report = await runAction(nodes['24'], file, 'return', [hubspotEvent(990002), hubspotEvent(990002)], env);
    expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
    expect(outputs(report.results[1])).toMatchObject({ ok: true, replayed: 'idempotency-key' });
    sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    try {
      const error = thrownOf((await runAction(nodes['24'], file, 'return', [hubspotEvent(990003)], env)).results[0]);
      // The SDK's own RetryableActionError: axios-like, naming the key the re-run will send.
      expect(error).toMatchObject({
        name: 'RetryableActionError',
        code: 'server_error',
        isAxiosError: true,
        status: 503,
        response: { status: 503 },
      });
      expect(error.message).toContain('hubspot-990003');
    } finally {
      sb.faults.clear();
    }
    // A secret that is not ticked: the file still loads, and the run reports it as an output.
    const { FML_CLIENT_SECRET: _omit, ...unticked } = env;
    const missing = await runAction(nodes['24'], file, 'return', [hubspotEvent(990004)], unticked);
    expect(outputs(missing.results[0])).toMatchObject({ ok: false, errorCode: 'configuration_error' });
    expect(String(outputs(missing.results[0]).errorMessage)).toContain('FML_CLIENT_SECRET');
    // Bad Company data is an output too, not a crash (the mapping runs inside the try).
    const bad = await runAction(nodes['24'], file, 'return', [hubspotEvent(990005, { email: '' })], env);
    expect(outputs(bad.results[0])).toMatchObject({ ok: false, errorCode: 'validation_error' });
  });
});

describe.each([
  ['24', 'return'],
  ['24', 'callback'],
  ['20', 'return'],
  ['20', 'callback'],
] as const)('on Node %s, %s-style handler', (major, style) => {
  // Distinct Company ids per runtime and style, so each combination starts from nothing.
  const base = Number(major) * 100_000 + (style === 'return' ? 0 : 50_000);
  const secrets = () => ({ FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: sb.url });
  const run = (events: unknown[], env: Record<string, string> = secrets(), file = bundle.action) =>
    runAction(nodes[major], file, style, events, env);

  /** In callback style the outputs must also arrive through the callback, exactly once. */
  const checkDelivery = (r: RunResult | undefined) => {
    if (style === 'callback' && r?.kind === 'result') expect(r.callbackCalls).toEqual([r.returned]);
  };

  it('runs on the intended Node and requires nothing outside Node', async () => {
    const report = await run([hubspotEvent(base + 1)]);
    expect(report.node.split('.')[0]).toBe(major);
    expect(report.loaded).toEqual([]);
    checkDelivery(report.results[0]);
    expect(outputs(report.results[0])).toMatchObject({
      ok: true,
      replayed: 'false',
      status: 'in-progress',
      errorCode: '',
      errorMessage: '',
    });
  });

  it('creates the case, and a re-run (warm, then cold) replays it without a duplicate', async () => {
    const id = base + 2;
    const warm = await run([hubspotEvent(id), hubspotEvent(id)]);
    const first = outputs(warm.results[0]);
    checkDelivery(warm.results[0]);
    expect(first).toMatchObject({ ok: true, replayed: 'false' });
    expect(String(first.caseId)).not.toBe('');
    expect(outputs(warm.results[1])).toMatchObject({ ok: true, caseId: first.caseId, replayed: 'idempotency-key' });
    const cold = await run([hubspotEvent(id)]);
    expect(outputs(cold.results[0])).toMatchObject({ caseId: first.caseId, replayed: 'idempotency-key' });
    expect(sb.cases.filter((c) => c.crmRecordId === String(id))).toHaveLength(1);
  });

  it('reports a missing kyb_contact_email as ok: false', async () => {
    const report = await run([hubspotEvent(base + 3, { email: '' })]);
    checkDelivery(report.results[0]);
    const o = outputs(report.results[0]);
    expect(o).toMatchObject({ ok: false, errorCode: 'validation_error', caseId: '' });
    expect(o.errorMessage).toContain('kyb_contact_email is empty on this Company');
  });

  it('reports a secret that is not ticked', async () => {
    const { FML_CLIENT_SECRET: _omit, ...rest } = secrets();
    const o = outputs((await run([hubspotEvent(base + 4)], rest)).results[0]);
    expect(o).toMatchObject({ ok: false, errorCode: 'missing_secret' });
    expect(o.errorMessage).toContain('FML_CLIENT_SECRET');
  });

  it('reports a wrong secret as invalid_client, without echoing it', async () => {
    const wrong = 'sk_test_definitely_wrong_secret_42';
    const report = await run([hubspotEvent(base + 5)], { ...secrets(), FML_CLIENT_SECRET: wrong });
    const o = outputs(report.results[0]);
    expect(o).toMatchObject({ ok: false, errorCode: 'invalid_client' });
    expect(JSON.stringify(report)).not.toContain(wrong);
  });

  it('reports a client without cases:write as insufficient_scope', async () => {
    const readOnly = sb.createClient({ scopes: ['read:cases', 'read:events'] });
    const o = outputs(
      (
        await run([hubspotEvent(base + 6)], {
          ...secrets(),
          FML_CLIENT_ID: readOnly.clientId,
          FML_CLIENT_SECRET: readOnly.clientSecret,
        })
      ).results[0],
    );
    expect(o).toMatchObject({ ok: false, errorCode: 'insufficient_scope' });
    expect(o.errorMessage).toContain('cases:write');
  });

  it('retries a 503 inside the run and succeeds', async () => {
    sb.faults.serverError(503, { method: 'POST', path: '/v1/cases', times: 1 });
    const report = await run([hubspotEvent(base + 7)]);
    checkDelivery(report.results[0]);
    expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
    expect(sb.faults.list()).toEqual([]);
  });

  it('throws an axios-like error when the budget runs out on a slow API, without calling back', async () => {
    const fault = sb.faults.delay(4000, { method: 'POST', path: '/v1/cases', times: 'always' });
    try {
      const report = await run([hubspotEvent(base + 8)], secrets(), slowAction);
      const result = report.results[0]!;
      const error = thrownOf(result);
      expect(error).toMatchObject({ code: 'timeout', status: 503, isAxiosError: true, response: { status: 503 } });
      expect(error.message).toContain(`hubspot-${base + 8}`);
      expect(error.json + error.inspected).not.toContain(sb.clientSecret);
      if (style === 'callback') expect(result.callbackCalls).toEqual([]);
    } finally {
      sb.faults.remove(fault.id);
    }
  });

  it('throws response.status 429 when FML keeps throttling', async () => {
    // Retry-After 120 s against the default 15 s budget: the wait cannot fit, so the first 429 is handed
    // to HubSpot at once. The budget is the default one so that a slow start and token mint on a busy
    // machine still leave time for the create (a 1.2 s budget ran out before it on a loaded CI box).
    const fault = sb.faults.rateLimit(120, { method: 'POST', path: '/v1/cases', times: 'always' });
    try {
      const error = thrownOf((await run([hubspotEvent(base + 9)], secrets())).results[0]);
      expect(error).toMatchObject({
        code: 'rate_limited',
        status: 429,
        response: { status: 429, headers: { 'retry-after': '120' } },
        isAxiosError: true,
      });
      expect(error.message).toContain(`hubspot-${base + 9}`);
    } finally {
      sb.faults.remove(fault.id);
    }
  });
});

// HubSpot's runtime resolves `redis` (^4) from its own node_modules; here NODE_PATH points at this repo's.
const redisEnv = (client: { clientId: string; clientSecret: string }, url: string) => ({
  FML_CLIENT_ID: client.clientId,
  FML_CLIENT_SECRET: client.clientSecret,
  FML_BASE_URL: sb.url,
  REDIS_URL: url,
  NODE_PATH: join(repoRoot, 'node_modules'),
});

describe('with a REDIS_URL secret', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('without it, each cold Lambda mints its own token (the count the tests below rely on)', async () => {
    const client = sb.createClient();
    const env = { FML_CLIENT_ID: client.clientId, FML_CLIENT_SECRET: client.clientSecret, FML_BASE_URL: sb.url };
    const before = mints;
    for (const id of [970001, 970002])
      expect(
        outputs((await runAction(nodes['24'], bundle.action, 'return', [hubspotEvent(id)], env)).results[0]),
      ).toMatchObject({ ok: true });
    expect(mints - before).toBe(2);
  });

  it.each(['24', '20'] as const)(
    "on Node %s, a second cold Lambda reuses the first one's token, and Lambdas starting together mint once",
    async (major) => {
      const base = 971000 + Number(major) * 100;
      const client = sb.createClient();
      const before = mints;
      const first = await runAction(
        nodes[major],
        bundle.action,
        'return',
        [hubspotEvent(base + 1)],
        redisEnv(client, redis.url),
      );
      expect(first.loaded).toEqual(['redis']);
      expect(outputs(first.results[0])).toMatchObject({ ok: true, replayed: 'false' });
      // The idle Redis connection does not hold the process (a Lambda) open: it ended by itself.
      expect(first.exit).toEqual({ code: 0, signal: null });
      expect(mints - before).toBe(1);

      const second = await runAction(
        nodes[major],
        bundle.action,
        'return',
        [hubspotEvent(base + 2)],
        redisEnv(client, redis.url),
      );
      expect(outputs(second.results[0])).toMatchObject({ ok: true, replayed: 'false' });
      expect(mints - before).toBe(1);

      // Another client, three cold Lambdas at once: one takes the Redis lock and mints, the others wait for it.
      const crowdClient = sb.createClient();
      const beforeCrowd = mints;
      const crowd = await Promise.all(
        [3, 4, 5].map((n) =>
          runAction(nodes[major], bundle.action, 'return', [hubspotEvent(base + n)], redisEnv(crowdClient, redis.url)),
        ),
      );
      for (const report of crowd) expect(outputs(report.results[0])).toMatchObject({ ok: true });
      expect(mints - beforeCrowd).toBe(1);
    },
  );

  it('shares one token with an npm FmlClient on the same Redis: one RedisTokenStore serves both', async () => {
    const client = sb.createClient();
    const tokenStore = redisTokenStoreFromUrl(redis.url);
    const before = mints;
    try {
      const fml = new FmlClient({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        baseUrl: sb.url,
        tokenStore,
        env: {},
      });
      await fml.cases.list({ limit: 1 }).firstPage();
      expect(mints - before).toBe(1);
      const report = await runAction(
        nodes['24'],
        bundle.action,
        'return',
        [hubspotEvent(972101)],
        redisEnv(client, redis.url),
      );
      expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
      // The cold Lambda found the npm client's token in Redis, and minted none of its own.
      expect(mints - before).toBe(1);
    } finally {
      await tokenStore.close();
    }
  });

  it('paces on the fleet budget it shares in Redis: its token mint and create are counted there, and a full budget sends nothing and throws 429 with Retry-After', async () => {
    const client = sb.createClient();
    const conn = await nodeRedis.connect(redis.url);
    try {
      const store = new RedisRateLimitStore(conn.client);
      const [requestsLog] = store.keys(client.clientId, 'requests');
      const [tokensLog] = store.keys(client.clientId, 'tokens');
      const sent = creates;
      const first = await runAction(
        nodes['24'],
        bundle.action,
        'return',
        [hubspotEvent(974901)],
        redisEnv(client, redis.url),
      );
      expect(outputs(first.results[0])).toMatchObject({ ok: true, replayed: 'false' });
      // The Lambda drew its mint from the tokens budget and its create from the requests budget, fleet-wide.
      expect(Number(await conn.raw(['ZCARD', tokensLog]))).toBe(1);
      expect(Number(await conn.raw(['ZCARD', requestsLog]))).toBe(1);

      // Another process (an npm worker on the same client id) fills the rest of FML's 120/min budget.
      const limiter = new RateLimiter(client.clientId, { store });
      for (let i = 1; i < FML_LIMITS.requests.limit; i++)
        await limiter.acquire('requests', { attemptTimeoutMs: 30_000 });
      const before = creates;
      const second = await runAction(
        nodes['24'],
        bundle.action,
        'return',
        [hubspotEvent(974902)],
        redisEnv(client, redis.url),
      );
      const thrown = thrownOf(second.results[0]);
      // No slot within the run's budget: nothing reached FML, and HubSpot is told to come back later.
      expect(thrown).toMatchObject({ isAxiosError: true, status: 429, response: { status: 429 } });
      expect(Number(thrown.response.headers['retry-after'])).toBeGreaterThan(15);
      expect(creates).toBe(before);
      expect(sb.cases.filter((c) => c.crmRecordId === '974902')).toHaveLength(0);
      expect(sent).toBeLessThan(before);
    } finally {
      await conn.close();
    }
  });

  it('carries on with its own token when Redis is down, says so in the log, and never shows the URL', async () => {
    const gone = await startRedisServer();
    await gone.stop();
    const password = 'redis-pass-5f0c2a';
    const url = `redis://:${password}@127.0.0.1:${gone.port}`;
    const report = await runAction(
      nodes['24'],
      bundle.action,
      'return',
      [hubspotEvent(972001)],
      redisEnv(sb.createClient(), url),
    );
    expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
    expect(report.logs.some((l) => l.includes('REDIS_URL Redis failed'))).toBe(true);
    expect(report.exit).toEqual({ code: 0, signal: null });
    expect(JSON.stringify(report)).not.toContain(password);
  });

  it('reports a REDIS_URL that is not a redis:// URL as ok: false, loading nothing', async () => {
    const url = 'https://user:hunter2-secret@cache.example.com:6379';
    const report = await runAction(
      nodes['24'],
      bundle.action,
      'return',
      [hubspotEvent(972002)],
      redisEnv(sb.createClient(), url),
    );
    const o = outputs(report.results[0]);
    expect(o).toMatchObject({ ok: false, errorCode: 'configuration_error', caseId: '' });
    expect(o.errorMessage).toContain('REDIS_URL');
    expect(o.errorMessage).toContain('redis://');
    expect(JSON.stringify(report)).not.toContain('hunter2-secret');
    expect(report.loaded).toEqual([]);
    expect(sb.cases.filter((c) => c.crmRecordId === '972002')).toHaveLength(0);
  });
});

describe('with a redis+cluster:// REDIS_URL secret (a Redis Cluster, on Node 24)', () => {
  const password = 'bundle-cluster-pw-0d4e';
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ password });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const env = redisEnv;

  // Company ids 976xxx: the sandbox is shared by the whole file, and a used id would replay its case.
  it('cold Lambdas starting together mint once, a later one and an npm cluster client reuse that token, and each process ends by itself', async () => {
    const client = sb.createClient();
    // One seed is enough: the action learns every node from it, and authenticates to each.
    const url = `redis+cluster://:${password}@127.0.0.1:${cluster.nodes[2]!.port}`;
    const before = mints;
    const crowd = await Promise.all(
      [1, 2, 3].map((n) =>
        runAction(nodes['24'], bundle.action, 'return', [hubspotEvent(976000 + n)], env(client, url)),
      ),
    );
    for (const report of crowd) {
      expect(report.node.split('.')[0]).toBe('24');
      expect(report.loaded).toEqual(['redis']);
      expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
      // Idle cluster connections (one per node) do not hold a Lambda open.
      expect(report.exit).toEqual({ code: 0, signal: null });
      expect(report.logs.join('\n')).not.toContain('Redis failed');
    }
    expect(mints - before).toBe(1);

    // Another seed list (a dead port first), a later cold Lambda: no mint.
    const later = await runAction(
      nodes['24'],
      bundle.action,
      'return',
      [hubspotEvent(976004)],
      env(client, `redis+cluster://:${password}@127.0.0.1:1,127.0.0.1:${cluster.nodes[5]!.port}`),
    );
    expect(outputs(later.results[0])).toMatchObject({ ok: true, replayed: 'false' });
    expect(mints - before).toBe(1);

    const probe = await nodeRedisCluster.connect(cluster.rootNodes, { password });
    try {
      const fml = new FmlClient({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        baseUrl: sb.url,
        tokenStore: new RedisTokenStore(probe.client),
        env: {},
      });
      await fml.cases.list({ limit: 1 }).firstPage();
      expect(mints - before).toBe(1);
    } finally {
      await probe.close();
    }
    expect(JSON.stringify([...crowd, later])).not.toContain(password);
  });

  it('a cluster URL with a wrong password: the run carries on with its own token, and the log never shows it', async () => {
    const wrong = 'wrong-cluster-pw-77aa';
    const report = await runAction(
      nodes['24'],
      bundle.action,
      'return',
      [hubspotEvent(976101)],
      env(sb.createClient(), `redis+cluster://:${wrong}@127.0.0.1:${cluster.nodes[0]!.port}`),
    );
    expect(outputs(report.results[0])).toMatchObject({ ok: true, replayed: 'false' });
    expect(report.logs.some((l) => l.includes('REDIS_URL Redis failed'))).toBe(true);
    expect(report.exit).toEqual({ code: 0, signal: null });
    expect(JSON.stringify(report)).not.toContain(wrong);
  });

  it('a malformed cluster URL is ok: false naming the form, loading nothing and never quoting it', async () => {
    const bad = 'redis+cluster://:secret-in-bad-url-12@host:port';
    const report = await runAction(
      nodes['24'],
      bundle.action,
      'return',
      [hubspotEvent(976102)],
      env(sb.createClient(), bad),
    );
    const o = outputs(report.results[0]);
    expect(o).toMatchObject({ ok: false, errorCode: 'configuration_error' });
    expect(o.errorMessage).toContain('host:port');
    expect(report.loaded).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('secret-in-bad-url-12');
    expect(sb.cases.filter((c) => c.crmRecordId === '976102')).toHaveLength(0);
  });
});
