import { FmlConfigError } from '../errors';

/** What a claim on an event id found: it is now ours, someone else is processing it, or it was processed. */
export type ClaimResult = 'claimed' | 'in_progress' | 'done';

/**
 * Where processed event ids are remembered. The in-memory default serves one process; for several
 * processes, implement it on a shared store. Each method must be atomic per key. With Redis:
 * `claim` = `SET key claimed NX PX leaseMs` (then `GET key` when that fails, to tell `done` from
 * `in_progress`), `markDone` = `SET key done PX ttlMs`, `release` = `DEL key`.
 */
export interface DedupeStore {
  /** Claims `eventId` for `leaseMs` unless it is claimed or done. The lease lapsing lets a retry through after a crash. */
  claim(eventId: string, leaseMs: number): ClaimResult | Promise<ClaimResult>;
  /** Processing succeeded: remember `eventId` as done for `ttlMs`. */
  markDone(eventId: string, ttlMs: number): void | Promise<void>;
  /** Processing failed: forget the claim, so FML's retry is processed. */
  release(eventId: string): void | Promise<void>;
}

/** Options for {@link createEventDeduper}. */
export interface EventDeduperOptions {
  /**
   * How long a processed `eventId` is remembered, in ms. Cover FML's retry window; a manual redelivery
   * after this is processed again.
   * @default 86_400_000 (24 hours)
   */
  ttlMs?: number;
  /**
   * The most event ids the in-memory store keeps; the oldest are forgotten first. Ignored with `store`.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * How long a claim holds while `onEvent` runs, in ms. Matters for shared stores: if a process dies
   * mid-event, its claim lapses after this and FML's retry is processed. Keep it above your slowest `onEvent`.
   * @default 300_000 (5 minutes)
   */
  leaseMs?: number;
  /**
   * A shared store (e.g. Redis) so that several processes de-duplicate together.
   * @default an in-memory store, bounded by `maxEntries`
   */
  store?: DedupeStore;
}

/** The outcome of {@link EventDeduper.run}. */
export type DedupeOutcome<T> =
  | { status: 'processed'; value: T; /** Set when the work succeeded but the store could not record it. */ storeError?: unknown }
  | { status: 'duplicate' }
  | { status: 'in_progress' };

/** Runs work at most once per event id (see {@link createEventDeduper}). */
export interface EventDeduper {
  /**
   * Runs `work` unless `eventId` was already processed (`duplicate`) or another process holds it
   * (`in_progress`). A concurrent duplicate in this process waits for the first run: if that succeeds it
   * is a `duplicate`, if it fails this one runs. When `work` throws, the claim is released and the error
   * rethrown, so a retry is processed.
   */
  run<T>(eventId: string, work: () => T | Promise<T>): Promise<DedupeOutcome<T>>;
}

/**
 * De-duplicates webhook deliveries on `eventId`, FML's idempotency key (it stays the same across retries
 * and redeliveries). In memory by default; pass a `store` to share it between processes.
 */
export function createEventDeduper(options: EventDeduperOptions = {}): EventDeduper {
  const ttlMs = positive(options.ttlMs, 86_400_000, 'ttlMs');
  const leaseMs = positive(options.leaseMs, 300_000, 'leaseMs');
  const store = options.store ?? createMemoryDedupeStore({ maxEntries: options.maxEntries });
  // Runs in this process, so a concurrent duplicate waits here rather than asking the store again.
  const running = new Map<string, Promise<void>>();

  async function run<T>(eventId: string, work: () => T | Promise<T>): Promise<DedupeOutcome<T>> {
    for (let earlier = running.get(eventId); earlier; earlier = running.get(eventId)) await earlier;
    let finished!: () => void;
    running.set(eventId, new Promise<void>((resolve) => (finished = resolve)));
    try {
      const claim = await store.claim(eventId, leaseMs);
      if (claim !== 'claimed') return { status: claim === 'done' ? 'duplicate' : 'in_progress' };
      let value: T;
      try {
        value = await work();
      } catch (error) {
        // Never let a failing release (sync or async) mask the work's own error; the lease lapses anyway.
        await Promise.resolve()
          .then(() => store.release(eventId))
          .catch(() => undefined);
        throw error;
      }
      try {
        await store.markDone(eventId, ttlMs);
        return { status: 'processed', value };
      } catch (storeError) {
        return { status: 'processed', value, storeError };
      }
    } finally {
      running.delete(eventId);
      finished();
    }
  }
  return { run };
}

/** Options for {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** The most event ids kept; the oldest are forgotten first. @default 10_000 */
  maxEntries?: number | undefined;
}

/** The in-memory {@link DedupeStore}: bounded, entries expire. One process only. */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxEntries = positive(options.maxEntries, 10_000, 'maxEntries');
  // Insertion order is expiry order for entries of one kind, so the oldest sit at the front.
  const entries = new Map<string, { state: 'claimed' | 'done'; expiresAt: number }>();

  const put = (eventId: string, state: 'claimed' | 'done', ms: number): void => {
    entries.delete(eventId);
    entries.set(eventId, { state, expiresAt: Date.now() + ms });
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && entry.expiresAt > Date.now()) break;
      entries.delete(key);
    }
  };
  return {
    claim(eventId, leaseMs) {
      const entry = entries.get(eventId);
      if (entry && entry.expiresAt > Date.now()) return entry.state === 'done' ? 'done' : 'in_progress';
      put(eventId, 'claimed', leaseMs);
      return 'claimed';
    },
    markDone(eventId, ttlMs) {
      put(eventId, 'done', ttlMs);
    },
    release(eventId) {
      entries.delete(eventId);
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new FmlConfigError(`${name} must be a positive number of ${name === 'maxEntries' ? 'entries' : 'milliseconds'}; got ${String(value)}.`);
  return value;
}
