import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import { FmlConfigError } from '../../src/errors';
import { type RedisStoreError, redisTokenStoreFromUrl } from '../../src/redis/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';

const ROOT = resolve(__dirname, '../..');
const TOKEN = 'eyJ.FROM-URL-SECRET-TOKEN.sig';
const PASSWORD = 'redis-url-password-3b9d';
/** Time limits for tests against a live Redis that are not about time limits (redis-time-limits.test.ts is). */
const ROOMY = { connectTimeoutMs: 15_000, commandTimeoutMs: 15_000 };

let server: RedisServer;
let sb: Sandbox;
let mints = 0;
beforeAll(async () => {
  server = await startRedisServer();
  sb = await startSandbox({
    rateLimit: false,
    onRequest: (e) => {
      if (e.path === '/v1/oauth/token' && e.status === 200) mints++;
    },
  });
});
afterAll(async () => {
  await sb?.close();
  await server?.stop();
});

/** A port nobody listens on: a stopped Redis's. */
async function deadRedisUrl(): Promise<string> {
  const gone = await startRedisServer();
  await gone.stop();
  return `redis://:${PASSWORD}@127.0.0.1:${gone.port}`;
}

describe('redisTokenStoreFromUrl', () => {
  it('connects on first use and shares tokens between stores made from the same URL', async () => {
    // Budgets scaled for a busy CI machine: this test is about sharing, not about time limits.
    const a = redisTokenStoreFromUrl(server.url, { prefix: 'url:', ...ROOMY });
    const b = redisTokenStoreFromUrl(server.url, { prefix: 'url:', ...ROOMY });
    try {
      let minted = 0;
      const mint = async () => ({
        accessToken: `${TOKEN}-${++minted}`,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
      });
      const [ta, tb] = await Promise.all([a.acquire('k', mint), b.acquire('k', mint)]);
      expect(minted).toBe(1);
      expect(tb.accessToken).toBe(ta.accessToken);
      expect((await b.get('k'))?.accessToken).toBe(ta.accessToken);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('serves FmlClient: two "invocations" with their own connection mint once', async () => {
    const before = mints;
    const stores = [
      redisTokenStoreFromUrl(server.url, { prefix: 'url-client:', ...ROOMY }),
      redisTokenStoreFromUrl(server.url, { prefix: 'url-client:', ...ROOMY }),
    ];
    try {
      const clients = stores.map(
        (tokenStore) =>
          new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, tokenStore }),
      );
      await Promise.all(
        clients.flatMap((fml, n) =>
          Array.from({ length: 5 }, (_, i) =>
            fml.cases.create({
              customerEmail: `u${n}${i}@example.com`,
              crmRecordId: `url-${n}-${i}`,
              crmSource: 'hubspot',
            }),
          ),
        ),
      );
      expect(mints - before).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('falls back to a per-process cache when Redis is unreachable, by default, and says so via onError', async () => {
    const errors: RedisStoreError[] = [];
    const store = redisTokenStoreFromUrl(await deadRedisUrl(), {
      prefix: 'dead:',
      connectTimeoutMs: 500,
      onError: (e) => errors.push(e),
    });
    try {
      const before = mints;
      const fml = new FmlClient({
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        baseUrl: sb.url,
        tokenStore: store,
      });
      const created = await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          fml.cases.create({ customerEmail: `d${i}@example.com`, crmRecordId: `dead-${i}`, crmSource: 'hubspot' }),
        ),
      );
      expect(created.every((r) => typeof r.case.caseId === 'string')).toBe(true);
      expect(mints - before).toBe(1);
      expect(errors.length).toBeGreaterThan(0);
      const seen = `${errors.map((e) => `${e.message} ${e.stack} ${inspect(e, { depth: 10 })} ${JSON.stringify(e)}`).join('\n')} ${inspect(store, { showHidden: true, depth: 10 })} ${JSON.stringify(store)}`;
      expect(seen).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  });

  it('rejects when told not to fall back, and refuses a URL that is not redis://', async () => {
    const store = redisTokenStoreFromUrl(await deadRedisUrl(), { fallbackToLocal: false, connectTimeoutMs: 500 });
    await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_error' });
    await store.close();
    expect(() => redisTokenStoreFromUrl('')).toThrow(FmlConfigError);
    expect(() => redisTokenStoreFromUrl(undefined as unknown as string)).toThrow(FmlConfigError);
    expect(() => redisTokenStoreFromUrl('http://example.com')).toThrow(FmlConfigError);
  });

  it('bundled as CommonJS (as in the HubSpot copy): `redis` stays out of the bundle, is required at runtime, and an idle connection does not hold the process open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fml-from-url-'));
    try {
      const entry = join(dir, 'entry.ts');
      await writeFile(
        entry,
        `export { redisTokenStoreFromUrl } from ${JSON.stringify(join(ROOT, 'src/redis/from-url.ts'))};\n`,
      );
      const outfile = join(dir, 'bundle.cjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        outfile,
        logLevel: 'silent',
      });
      const code = await readFile(outfile, 'utf8');
      expect(code).not.toMatch(/@redis\/client|RedisSocket|RESP2/);
      // Far below @redis/client's size; the HubSpot action's own size budget is held by test/hubspot/bundle.test.ts.
      expect(code.length).toBeLessThan(32_000); // (single-server and cluster URLs)

      const script = join(dir, 'run.cjs');
      await writeFile(
        script,
        `const { redisTokenStoreFromUrl } = require('./bundle.cjs');
         const store = redisTokenStoreFromUrl(process.env.REDIS_URL, { prefix: 'cjs:', connectTimeoutMs: 15000, commandTimeoutMs: 15000 });
         (async () => {
           let minted = 0;
           const t = await store.acquire('k', async () => ({ accessToken: 'cjs-token-' + (++minted), issuedAt: Date.now(), expiresAt: Date.now() + 60000 }));
           const again = await store.get('k');
           console.log(JSON.stringify({ token: t.accessToken, again: again && again.accessToken, minted }));
           // No close(): the process must still exit on its own.
         })().catch((e) => { console.error(e); process.exit(2); });`,
      );
      const { stdout, code: exitCode } = await new Promise<{ stdout: string; code: number | null }>((done) => {
        const child = execFile(
          process.execPath,
          [script],
          { env: { ...process.env, REDIS_URL: server.url, NODE_PATH: join(ROOT, 'node_modules') }, timeout: 15_000 },
          (error, out) => done({ stdout: out, code: error ? ((error as { code?: number }).code ?? -1) : 0 }),
        );
        child.stdin?.end();
      });
      expect(exitCode).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual({ token: 'cjs-token-1', again: 'cjs-token-1', minted: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
