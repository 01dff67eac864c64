import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findRedisServer, freePort, stopServer } from './redis-server';

// A real Redis Cluster on loopback for the tests: three masters, each with one replica, made the way an
// operator makes one (`redis-server --cluster-enabled yes` per node, then `redis-cli --cluster create
// ... --cluster-replicas 1`). Every node has its own temp dir (nodes.conf) and ephemeral ports — the
// client port and the cluster bus port (`--cluster-port`), both found free — and persistence is off.

/** One node of a {@link RedisCluster}. */
export interface RedisClusterNode {
  readonly port: number;
  /** False once {@link RedisCluster.kill} took it down. */
  readonly alive: boolean;
}

/** A running local Redis Cluster. */
export interface RedisCluster {
  readonly nodes: readonly RedisClusterNode[];
  /** The seed nodes, as `{ host, port }` (ioredis `new Cluster(...)`) — every node, masters and replicas. */
  readonly rootNodes: ReadonlyArray<{ host: string; port: number }>;
  /** The seed nodes as `redis://127.0.0.1:<port>` URLs (node-redis `createCluster({ rootNodes })`). */
  readonly urls: readonly string[];
  /** Sends one command to the node on `port` and resolves with its (parsed RESP) reply. */
  command(port: number, args: string[]): Promise<unknown>;
  /** The port of the master serving `key`'s hash slot, as the live nodes see it. */
  masterOf(key: string): Promise<number>;
  /** Kills the node on `port` at once (SIGKILL: no goodbye to the cluster, as when a machine dies). */
  kill(port: number): Promise<void>;
  /**
   * Resolves once every live node reports `cluster_state:ok` and `key`'s slot is served by a live master
   * (after a {@link kill}: once the replica took over). Rejects after `timeoutMs`.
   */
  waitUntilServed(key: string, timeoutMs?: number): Promise<number>;
  /** Stops every node and removes their directories. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /**
   * `cluster-node-timeout`: how long a master may be unreachable before it counts as failed and its
   * replica is promoted. Low enough for a quick failover test, high enough that a busy machine pausing a
   * process does not look like a dead node.
   * @default 2000
   */
  nodeTimeoutMs?: number;
  /** A password every node requires (`requirepass`, and `masterauth` for the replicas). @default none */
  password?: string;
}

/** Where `redis-cli` is: `REDIS_CLI_BIN`, else next to redis-server, else the first on PATH. */
export function findRedisCli(): string | undefined {
  const explicit = process.env.REDIS_CLI_BIN;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const server = findRedisServer();
  const beside = server ? join(dirname(server), 'redis-cli') : undefined;
  if (beside && existsSync(beside)) return beside;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'redis-cli'))) return join(dir, 'redis-cli');
  }
  return undefined;
}

const MISSING =
  'The Redis Cluster tests need redis-server and redis-cli (Debian/Ubuntu: apt-get install -y redis-server, which brings redis-tools; macOS: brew install redis), or REDIS_SERVER_BIN / REDIS_CLI_BIN. .ci/run installs them on CI.';

/**
 * Starts a 3-master + 3-replica cluster and resolves once it is whole: every node reports
 * `cluster_state:ok`, knows all six nodes, and every replica is in sync with its master. Throws — so
 * the cluster tests FAIL, never skip — when redis-server or redis-cli is missing.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const server = findRedisServer();
  const cli = findRedisCli();
  if (!server || !cli) throw new Error(MISSING);
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const { password } = options;
  const tryCommand = (port: number, args: string[]) => command(port, args, 2000, password).catch(() => undefined);
  const nodes: Array<{ port: number; child: ChildProcess; dir: string; alive: boolean; output: string }> = [];
  const stop = once(async () => {
    await Promise.all(nodes.map((n) => stopServer(n.child, n.dir)));
  });
  try {
    const ports = await distinctFreePorts(12);
    for (let i = 0; i < 6; i++) {
      const port = ports[2 * i]!;
      const dir = await mkdtemp(join(tmpdir(), 'fml-redis-cluster-'));
      const child = spawn(
        server,
        // prettier-ignore
        [
          '--port',
          String(port),
          '--cluster-port',
          String(ports[2 * i + 1]),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--daemonize',
          'no',
          '--loglevel',
          'warning',
          '--save',
          '',
          '--appendonly',
          'no',
          '--repl-diskless-sync-delay',
          '0',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          // A replica may take over however long it was cut off: the test decides when a master dies.
          '--cluster-replica-validity-factor',
          '0',
          ...(password ? ['--requirepass', password, '--masterauth', password] : []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const node = { port, child, dir, alive: true, output: '' };
      child.stdout?.on('data', (d: Buffer) => (node.output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (node.output += d.toString()));
      nodes.push(node);
    }
    await Promise.all(
      nodes.map((n) =>
        waitFor(
          async () => (await tryCommand(n.port, ['PING'])) === 'PONG',
          10_000,
          () => `node ${n.port} did not answer PING\n${n.output.slice(-1000)}`,
        ),
      ),
    );
    await run(cli, [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
      ...(password ? ['-a', password, '--no-auth-warning'] : []),
    ]);
    await waitFor(
      () =>
        whole(
          nodes.map((n) => n.port),
          tryCommand,
        ),
      30_000,
      () => 'the cluster did not become whole (cluster_state:ok, 6 known nodes, replicas in sync) within 30 s',
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const live = () => nodes.filter((n) => n.alive);
  const masterOf = async (key: string): Promise<number> => {
    for (const n of live()) {
      const slot = await tryCommand(n.port, ['CLUSTER', 'KEYSLOT', key]);
      const table = await tryCommand(n.port, ['CLUSTER', 'SLOTS']);
      if (typeof slot !== 'number' || !Array.isArray(table)) continue;
      for (const range of table as Array<[number, number, [string, number, string]]>) {
        if (slot >= range[0] && slot <= range[1]) return range[2][1];
      }
    }
    throw new Error(`no live node knows the master of ${key}`);
  };
  return {
    nodes,
    rootNodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    command: (port, args) => command(port, args, 2000, password),
    masterOf,
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no cluster node on port ${port}`);
      node.alive = false;
      if (node.child.exitCode === null && node.child.signalCode === null) {
        const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
        node.child.kill('SIGKILL');
        await exited;
      }
    },
    async waitUntilServed(key, timeoutMs = 30_000) {
      let port = 0;
      await waitFor(
        async () => {
          const states = await Promise.all(live().map((n) => tryCommand(n.port, ['CLUSTER', 'INFO'])));
          if (!states.every((s) => typeof s === 'string' && s.includes('cluster_state:ok'))) return false;
          port = await masterOf(key).catch(() => 0);
          return live().some((n) => n.port === port);
        },
        timeoutMs,
        () => `${key} was not served by a live master within ${timeoutMs} ms`,
      );
      return port;
    },
    stop,
  };
}

/** Every node: cluster_state ok, knows all six, and (replicas) linked to a master. */
async function whole(
  ports: number[],
  tryCommand: (port: number, args: string[]) => Promise<unknown>,
): Promise<boolean> {
  for (const port of ports) {
    const info = await tryCommand(port, ['CLUSTER', 'INFO']);
    if (
      typeof info !== 'string' ||
      !info.includes('cluster_state:ok') ||
      !info.includes(`cluster_known_nodes:${ports.length}`)
    )
      return false;
    const replication = await tryCommand(port, ['INFO', 'replication']);
    if (typeof replication !== 'string') return false;
    if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
  }
  return true;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= giveUpAt) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 50));
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** One command over a fresh connection (after AUTH, given a password), RESP2 in and out; a Redis error reply rejects. */
export function command(port: number, args: string[], timeoutMs = 2000, password?: string): Promise<unknown> {
  const frame = (a: string[]) =>
    a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).reduce((acc, x) => acc + x, `*${a.length}\r\n`);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const finish = (settle: () => void) => {
      socket.destroy();
      settle();
    };
    socket.setTimeout(timeoutMs, () =>
      finish(() => reject(new Error(`node ${port} did not answer ${args[0]} within ${timeoutMs} ms`))),
    );
    socket.on('error', (error) => finish(() => reject(error)));
    socket.on('connect', () => socket.write((password ? frame(['AUTH', password]) : '') + frame(args)));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let parsed = parseReply(buffer, 0);
      if (parsed && password) parsed = parsed.value instanceof Error ? parsed : parseReply(buffer, parsed.end);
      if (!parsed) return;
      const { value } = parsed;
      finish(() => (value instanceof Error ? reject(value) : resolve(value)));
    });
  });
}

/** Parses one RESP2 reply at `at`; `undefined` while incomplete. */
function parseReply(buffer: Buffer, at: number): { value: unknown; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: unknown[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}
