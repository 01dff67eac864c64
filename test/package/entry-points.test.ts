// The package's entry points as the build makes them: every `exports` subpath has its ESM, CJS and type
// files, and the Redis code lives in `@firstmilelabs/cases/redis` alone — `/` and `/webhooks` (which runs on
// Workers) carry none of it. Built for this test alone, in a temp dir, so it never races the shared dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { build, type Options } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tsupConfig from '../../tsup.config';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entries = JSON.parse(readFileSync(join(root, 'scripts/library-entries.json'), 'utf8')) as Record<string, string>;

// What only the Redis code contains: its Lua scripts and its public classes and functions.
const REDIS_MARKERS = [
  'redis.call(',
  'RedisTokenStore',
  'RedisDedupeStore',
  'RedisRateLimitStore',
  'RedisStoreError',
  'createRedisEventDeduper',
  'redisTokenStoreFromUrl',
  'redis+cluster',
];

let dir: string;

beforeAll(async () => {
  // Inside the project, so the built files' own imports (zod) resolve from node_modules as a user's would.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'fml-entries-'));
  // The library half of tsup.config.ts, exactly (its onSuccess copies the schemas into dist/, not wanted here).
  const [library] = (tsupConfig as Options[]) ?? [];
  if (!library) throw new Error('tsup.config.ts has no library build');
  await build({ ...library, outDir: dir, onSuccess: undefined, config: false });
  execFileSync(process.execPath, ['scripts/build-types.mjs', '--out', dir], { stdio: 'pipe' });
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `./dist/x.js` of package.json, in this test's build. */
const built = (target: string) => join(dir, target.replace(/^\.\/dist\//, ''));

/** A declaration file and the shared chunks it imports (`../types/x.js` → `types/x.d.ts`), read whole. */
function withChunks(path: string, seen = new Set<string>()): string {
  if (seen.has(path)) return '';
  seen.add(path);
  const text = readFileSync(path, 'utf8');
  const ext = path.endsWith('.d.cts') ? '.d.cts' : '.d.ts';
  const chunks = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
    resolve(dirname(path), `${m[1] ?? ''}${ext}`),
  );
  return [text, ...chunks.map((chunk) => withChunks(chunk, seen))].join('\n');
}

/** Declarations without their TSDoc and comments (which may name a Redis store as an example). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('entry points', () => {
  it('every conditional export has an entry in scripts/library-entries.json and its import, require and types files', () => {
    const conditional = Object.entries(pkg.exports).filter(([, value]) => typeof value === 'object');
    expect(conditional.map(([subpath]) => subpath)).toContain('./redis');
    for (const [subpath, value] of conditional) {
      const name = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
      expect(entries[name], `${subpath} in scripts/library-entries.json`).toBeDefined();
      const targets = value as Record<'import' | 'require', { types: string; default: string }>;
      for (const target of [
        targets.import.default,
        targets.import.types,
        targets.require.default,
        targets.require.types,
      ]) {
        expect(target.startsWith(`./dist/${name}.`), `${subpath}: ${target}`).toBe(true);
        expect(existsSync(built(target)), `${subpath}: ${target} built`).toBe(true);
      }
    }
  });

  it.each(['index', 'webhooks/index'])('dist/%s carries no Redis code, in JavaScript or declarations', (name) => {
    for (const ext of ['js', 'cjs']) {
      const js = readFileSync(join(dir, `${name}.${ext}`), 'utf8');
      expect(
        REDIS_MARKERS.filter((marker) => js.includes(marker)),
        `${name}.${ext}`,
      ).toEqual([]);
      expect(js).not.toMatch(/\bredis\b/i);
    }
    for (const ext of ['d.ts', 'd.cts']) {
      const types = code(withChunks(join(dir, `${name}.${ext}`)));
      expect(types, `${name}.${ext}`).not.toMatch(/redis/i);
    }
  });

  it('dist/redis holds that code (so the check above looks for what is really there)', () => {
    for (const ext of ['js', 'cjs']) {
      const js = readFileSync(join(dir, `redis/index.${ext}`), 'utf8');
      expect(
        REDIS_MARKERS.filter((marker) => !js.includes(marker)),
        `redis/index.${ext}`,
      ).toEqual([]);
    }
  });
});

describe('@firstmilelabs/cases/redis, built', () => {
  let server: RedisServer;
  let redis: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = await createClient({ url: server.url }).connect();
  }, 60_000);
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('shares a token and claims an event against a real Redis, from the ESM and the CJS file', async () => {
    type RedisEntry = typeof import('../../src/redis/index');
    const esm = (await import(pathToFileURL(join(dir, 'redis/index.js')).href)) as RedisEntry;
    const cjs = createRequire(import.meta.url)(join(dir, 'redis/index.cjs')) as RedisEntry;
    for (const [format, entry] of [
      ['esm', esm],
      ['cjs', cjs],
    ] as const) {
      const prefix = `fml:entry-test:${format}:`;
      const token = { accessToken: `token-${format}`, issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
      await new entry.RedisTokenStore(redis, { prefix }).set('key', token);
      expect(await new entry.RedisTokenStore(redis, { prefix }).get('key')).toEqual(token);

      const store = entry.createRedisDedupeStore(redis, { prefix });
      expect(await store.claim('evt_1', 60_000)).toBe('claimed');
      expect(await store.claim('evt_1', 60_000)).toBe('in_progress');
    }
  });
});
