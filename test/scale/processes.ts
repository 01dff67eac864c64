import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../..');

/** Worker scripts bundled to CommonJS in a temp dir (vitest runs before `npm run build`: no dist to lean on). */
export interface BundledWorkers {
  /** Path of the bundle built from `test/scale/workers/<name>.ts`. */
  path(name: string): string;
  cleanup(): Promise<void>;
}

export async function bundleWorkers(names: string[]): Promise<BundledWorkers> {
  const dir = await mkdtemp(join(tmpdir(), 'fml-scale-workers-'));
  await build({
    entryPoints: names.map((n) => join(ROOT, 'test/scale/workers', `${n}.ts`)),
    outdir: dir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The Redis clients come from the project's node_modules (NODE_PATH below), as a user's would.
    external: ['redis', 'ioredis'],
    logLevel: 'silent',
  });
  return {
    path: (name) => join(dir, `${basename(name)}.cjs`),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A forked worker and the messages it has sent. */
export interface Worker {
  child: ChildProcess;
  messages: Array<{ type: string; [key: string]: unknown }>;
  /** Resolves with the first message of `type` (already received or upcoming); rejects if the worker dies first. */
  next<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T & { type: string }>;
  exited: Promise<number | null>;
}

export function startWorker(file: string, config: unknown): Worker {
  const child = fork(file, [], {
    env: { ...process.env, FML_WORKER_CONFIG: JSON.stringify(config), NODE_PATH: join(ROOT, 'node_modules') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Worker['messages'] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m) => {
    messages.push(m as Worker['messages'][number]);
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const next = <T>(type: string, timeoutMs = 30_000) =>
    new Promise<T & { type: string }>((resolvePromise, reject) => {
      const check = () => {
        const crashed = messages.find((m) => m.type === 'crashed');
        if (crashed) return finish(() => reject(new Error(`worker crashed: ${String(crashed.message)}`)));
        const found = messages.find((m) => m.type === type);
        if (found) finish(() => resolvePromise(found as T & { type: string }));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`worker sent no "${type}" within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const onExit = () =>
        setImmediate(() => finish(() => reject(new Error(`worker exited before sending "${type}"`))));
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
        settle();
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });
  return { child, messages, next, exited };
}

/** Kills workers still running (a failed test must not leave processes behind). */
export async function stopAll(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGKILL');
        await w.exited;
      }
    }),
  );
}

/** POSTs a webhook `body` to a worker's receiver (`/fml`) over `agent`'s kept-alive connections; resolves with the status. */
export function postWebhook(
  agent: Agent,
  port: number,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/fml', method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `jobs` with at most `limit` in flight; results in job order. */
export async function runPool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}
