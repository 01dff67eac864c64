import { createServer as createNetServer, type Socket as NetSocket } from 'node:net';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A real `redis-server` on a loopback port, in its own temp dir, with persistence off. */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where `redis-server` is: `REDIS_SERVER_BIN`, else the first on PATH. */
export function findRedisServer(): string | undefined {
  const explicit = process.env.REDIS_SERVER_BIN;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Starts `redis-server --port N --bind 127.0.0.1 --save '' --appendonly no --dir <tmp>`. Throws — so the
 * Redis tests FAIL, never skip — when redis-server is not installed: CI (`.ci/run`) installs it.
 */
export async function startRedisServer(
  options: { password?: string /** Reuse a stopped server's port (a restart). */; port?: number } = {},
): Promise<RedisServer> {
  const bin = findRedisServer();
  if (!bin) {
    throw new Error(
      'redis-server is not installed, and the Redis tests need a real Redis. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or point REDIS_SERVER_BIN at it. .ci/run installs it on CI.',
    );
  }
  let lastError: unknown;
  // The free port is found by binding and closing; another process may grab it in between, so retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = await mkdtemp(join(tmpdir(), 'fml-redis-'));
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...(options.password ? ['--requirepass', options.password] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitUntilReady(port, child);
      return { port, url: `redis://127.0.0.1:${port}`, stop: once(() => stopServer(child, dir)) };
    } catch (error) {
      lastError = new Error(
        `redis-server did not start on port ${port}: ${(error as Error).message}\n${output.slice(-2000)}`,
      );
      await stopServer(child, dir);
    }
  }
  throw lastError;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING with PONG. */
async function waitUntilReady(port: number, child: ChildProcess): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (Date.now() < giveUpAt) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode})`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no PONG within 10 s');
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      // A server with a password answers an unauthenticated PING with -NOAUTH: it is up all the same.
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

export async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dir, { recursive: true, force: true });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** A silent Redis stand-in, see {@link startSilentServer}. */
export interface SilentServer {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open. */
  open(): number;
  /** Bytes received so far (every command a client sent). */
  bytesReceived(): number;
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: a hung proxy, a paused VM, a
 * full server. node-redis's connectTimeout does not cover it, which is what the stall tests need.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<NetSocket>();
  let count = 0;
  let bytes = 0;
  const server = createNetServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Reads (and ignores) every command, so it sees the client hang up.
    socket.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => count,
    open: () => sockets.size,
    bytesReceived: () => bytes,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
