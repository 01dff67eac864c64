import { isErrorReply } from './time-limit';

// Redis Cluster support for the stores. ioredis's `Cluster` routes `call(...)` by key and follows a
// failover by itself, so it needs nothing here. node-redis's `createCluster(...)` needs two things:
// - the key of every command, passed as `sendCommand(firstKey, isReadonly, args)` — it routes by it;
// - a nudge after a failover: node-redis re-reads the slot map only when a node answers MOVED/ASK
//   (redis/node-redis#2806), and a dead master never answers, so commands for its slots would fail (or
//   wait in the offline queue) forever. After such a failure we send one command for the key to a live
//   master, which answers MOVED: node-redis then re-reads the map and finds the promoted replica.
//
// The stores keep every script to one key (or keys sharing a hash tag), so no command is CROSSSLOT.

/** The part of a node-redis cluster client (`createCluster(...)`, connected) the SDK uses. */
export interface NodeRedisClusterLike {
  /** Runs one command on the shard serving `firstKey`. */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** node-redis's slot table: 16384 entries, each naming the shard (and its `master`) serving the slot. */
  readonly slots: ReadonlyArray<{ readonly master: unknown } | undefined>;
  readonly masters: readonly unknown[];
  /** `false` until `connect()` resolves. */
  readonly isOpen?: boolean;
}

const SLOTS = 16384;

/** True for node-redis's cluster client (its `sendCommand` takes the key first, and it has a slot table). */
export function isNodeRedisCluster(client: unknown): client is NodeRedisClusterLike {
  const c = client as Partial<NodeRedisClusterLike> | null | undefined;
  return !!c && typeof c.sendCommand === 'function' && Array.isArray(c.slots) && Array.isArray(c.masters);
}

/** The key a command acts on, as Redis Cluster routes it: `EVAL script numkeys key...` → the first key. */
export function firstKey(args: readonly string[]): string | undefined {
  const name = (args[0] ?? '').toUpperCase();
  if (
    name === 'EVAL' ||
    name === 'EVALSHA' ||
    name === 'EVAL_RO' ||
    name === 'EVALSHA_RO' ||
    name === 'FCALL' ||
    name === 'FCALL_RO'
  ) {
    return Number(args[2]) > 0 ? args[3] : undefined;
  }
  return args[1];
}

/** The hash slot of `key` (CRC16/XMODEM of the key, or of its `{hash tag}`, mod 16384), as Redis computes it. */
export function keySlot(key: string): number {
  let bytes = new TextEncoder().encode(key);
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % SLOTS;
}

/** How long a command may go unanswered before we suspect its master died and nudge (not a time limit). */
const SUSPECT_AFTER_MS = 250;
/** At most one nudge per this long: each costs node-redis a few slot-map reads. */
const NUDGE_EVERY_MS = 250;

/**
 * A command sender for a node-redis cluster: routes by key, and nudges the client into re-reading the
 * slot map when a command fails without Redis answering (connection refused, closed, offline) or goes
 * unanswered for a moment. Redis's own error answers (WRONGTYPE, CLUSTERDOWN...) need no nudge.
 */
export function nodeRedisClusterSender(
  cluster: NodeRedisClusterLike,
  now: () => number = Date.now,
): (args: string[]) => Promise<unknown> {
  let nudging = false;
  let lastNudge = -Infinity;
  const nudge = (key: string | undefined) => {
    if (key === undefined || nudging || now() - lastNudge < NUDGE_EVERY_MS) return;
    const elsewhere = keyOnAnotherShard(cluster, key);
    if (elsewhere === undefined) return;
    nudging = true;
    lastNudge = now();
    // Routed by `elsewhere` to a live master, which answers MOVED for `key`: node-redis re-reads the slot
    // map from it. The answer itself does not matter (EXISTS neither reads nor writes a value).
    cluster
      .sendCommand(elsewhere, false, ['EXISTS', key])
      .catch(() => undefined)
      .finally(() => {
        nudging = false;
      });
  };
  return (args) => {
    if (cluster.isOpen === false)
      return Promise.reject(
        new Error('the redis cluster client is not connected; await cluster.connect() before using it'),
      );
    const key = firstKey(args);
    const sent = cluster.sendCommand(key, false, args);
    // Re-armed while unanswered: a nudge during the election finds the dead master still listed, and the
    // command (queued for it) settles only once a later nudge finds the promoted replica.
    const suspect = setInterval(() => nudge(key), SUSPECT_AFTER_MS);
    (suspect as { unref?: () => void }).unref?.();
    return sent.then(
      (reply) => {
        clearInterval(suspect);
        return reply;
      },
      (error: unknown) => {
        clearInterval(suspect);
        if (!isErrorReply(error)) nudge(key);
        throw error;
      },
    );
  };
}

/** A key whose slot the client maps to a different master than `key`'s, or undefined (one shard). */
function keyOnAnotherShard(cluster: NodeRedisClusterLike, key: string): string | undefined {
  const master = cluster.slots[keySlot(key)]?.master;
  for (let i = 0; i < 64; i++) {
    const candidate = `fml:slot-probe:${i}`;
    const other = cluster.slots[keySlot(candidate)]?.master;
    if (other !== undefined && other !== master) return candidate;
  }
  return undefined;
}
