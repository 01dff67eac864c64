import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FmlTimeoutError } from '../../src/errors';
import { checkBaseUrl } from '../../src/internal/engine/fml';
import { hubspotCustomCodeAction, RetryableActionError } from '../../src/hubspot/index';
import { redisTokenStoreFromUrl } from '../../src/redis/from-url';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { type RedisServer, startRedisServer, startSilentServer } from '../helpers/redis-server';
import { buildBundleDir, editedCopy, hubspotEvent, runAction, type RunResult } from './helpers/bundle';
import { nodeBinary } from './helpers/runtimes';

// A Redis that accepts the TCP connection and then never says a word (a hung proxy, a paused VM, a
// full server): node-redis's connectTimeout does not cover it. The action must give up on Redis
// quickly, fall back to its own token, and still finish inside its budget.

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

let sb: Sandbox;
let mints = 0;
beforeAll(async () => {
  sb = await startSandbox({
    rateLimit: false,
    tokenRateLimit: false,
    onRequest: (e) => void (e.path === '/v1/oauth/token' && e.status === 200 && mints++),
  });
});
afterAll(() => sb?.close());

const token = (name: string) => ({
  accessToken: `eyJ.${name}.sig`,
  issuedAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
});

describe('the bundled action with a REDIS_URL that accepts and never answers', () => {
  let bundle: Awaited<ReturnType<typeof buildBundleDir>>;
  let tightAction: string;
  let node24: string;
  beforeAll(async () => {
    [bundle, node24] = await Promise.all([buildBundleDir(), nodeBinary(24)]);
    // A silent Redis never answers, so an action whose Redis wait were not capped would run out of any budget
    // and be thrown as a timeout, not ok: true. 12 s (below the default 15 s) proves the cap without charging
    // a busy 2-core CI machine's slow spawns and mints to a tight wall-clock budget (4 s flaked under load).
    tightAction = editedCopy(bundle.action, 'tight-budget-action.js', (src) =>
      src.replace('budgetMs: 15000,', 'budgetMs: 12000,'),
    );
  }, 240_000);
  afterAll(() => bundle?.cleanup());

  const env = (url: string) => {
    const c = sb.createClient();
    return {
      FML_CLIENT_ID: c.clientId,
      FML_CLIENT_SECRET: c.clientSecret,
      FML_BASE_URL: sb.url,
      REDIS_URL: url,
      NODE_PATH: join(repoRoot, 'node_modules'),
    };
  };
  const outputs = (r: RunResult | undefined) => {
    if (r?.kind !== 'result') throw new Error(`expected outputs, got ${JSON.stringify(r)}`);
    return r.returned.outputFields;
  };

  it.each([
    ['with a password (AUTH never answered)', 'redis://:stall-pass-77c1@127.0.0.1', 973001],
    ['without a password', 'redis://127.0.0.1', 973011],
  ])(
    '%s: every run is ok inside the budget, the outage is logged once, and warm runs skip Redis',
    async (_, base, id) => {
      const silent = await startSilentServer();
      try {
        const report = await runAction(
          node24,
          tightAction,
          'return',
          [hubspotEvent(id), hubspotEvent(id + 1)],
          env(`${base}:${silent.port}`),
        );
        expect(report.loaded).toEqual(['redis']);
        for (const r of report.results) expect(outputs(r)).toMatchObject({ ok: true, replayed: 'false' });
        expect(report.logs.filter((l) => l.includes('REDIS_URL Redis failed'))).toHaveLength(1);
        // The second (warm) run did not knock on the silent Redis again: it is skipped for a while.
        expect(silent.connections()).toBe(1);
        expect(report.exit).toEqual({ code: 0, signal: null });
        expect(JSON.stringify(report)).not.toContain('stall-pass-77c1');
      } finally {
        await silent.close();
      }
    },
    60_000,
  );
});

describe('the REDIS_URL token store waiting for another minter', () => {
  let server: RedisServer;
  let redis: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = createClient({ url: server.url });
    await redis.connect();
  }, 30_000);
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    await server?.stop();
  });

  it('gives up after its wait limit and never mints afterwards, even once the lock frees up', async () => {
    // Another process holds the lock a little longer than this store may wait.
    await redis.set('fml:k-abandon:lock', 'someone-else', { PX: 800 });
    const store = redisTokenStoreFromUrl(server.url, { waitTimeoutMs: 300 });
    let minted = 0;
    try {
      await expect(store.acquire('k-abandon', async () => token(`late-${++minted}`))).rejects.toBeInstanceOf(
        FmlTimeoutError,
      );
      // Past the lock's expiry: an acquire still looping would now take the lock and mint.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(minted).toBe(0);
      expect(await redis.exists('fml:k-abandon')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the action caps that wait at its budget: a run that gave up leaves nothing behind that mints later', async () => {
    const c = sb.createClient();
    const lock = `fml:fml-token:${checkBaseUrl(sb.url)}:${c.clientId}:lock`;
    await redis.set(lock, 'someone-else', { PX: 2_500 });
    const main = hubspotCustomCodeAction({
      log: false,
      budgetMs: 1_000,
      env: {
        FML_CLIENT_ID: c.clientId,
        FML_CLIENT_SECRET: c.clientSecret,
        FML_BASE_URL: sb.url,
        REDIS_URL: server.url,
      },
    });
    const before = mints;
    await expect(main(hubspotEventTyped(975001))).rejects.toBeInstanceOf(RetryableActionError);
    // Past the lock's expiry: an acquire still polling would now take the lock and mint.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(mints - before).toBe(0);
    expect(await redis.exists(lock)).toBe(0);
  }, 15_000);
});

describe('the action when REDIS_URL is rotated', () => {
  let server: RedisServer;
  let admin: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = createClient({ url: `${server.url}/9` });
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    await admin?.quit().catch(() => undefined);
    await server?.stop();
  });

  /** Connections to this Redis using database `db` (the admin client uses 9). */
  const count = async (db: number) =>
    ((await admin.sendCommand(['CLIENT', 'LIST'])) as string).split('\n').filter((l) => l.includes(` db=${db} `))
      .length;

  it("closes the old URL's connection and keeps only the current one", async () => {
    const c = sb.createClient();
    const env: Record<string, string> = {
      FML_CLIENT_ID: c.clientId,
      FML_CLIENT_SECRET: c.clientSecret,
      FML_BASE_URL: sb.url,
      REDIS_URL: `${server.url}/1`,
    };
    const main = hubspotCustomCodeAction({ log: false, env });
    expect((await main(hubspotEventTyped(974001))).outputFields).toMatchObject({ ok: true });
    expect(await count(1)).toBe(1);

    env.REDIS_URL = `${server.url}/2`;
    expect((await main(hubspotEventTyped(974002))).outputFields).toMatchObject({ ok: true });
    expect(await count(2)).toBe(1);
    await expect.poll(() => count(1), { timeout: 5_000 }).toBe(0);

    // Back to the first value: a fresh connection for it, and the second one closed in turn.
    env.REDIS_URL = `${server.url}/1`;
    expect((await main(hubspotEventTyped(974003))).outputFields).toMatchObject({ ok: true });
    await expect.poll(() => count(2), { timeout: 5_000 }).toBe(0);
    expect(await count(1)).toBe(1);
  });
});

function hubspotEventTyped(id: number) {
  return hubspotEvent(id) as Parameters<ReturnType<typeof hubspotCustomCodeAction>>[0];
}
