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
   * How long a processed `eventId` is remembered, in ms. Cover FML's retry window and the manual
   * redeliveries you may trigger from the console; a delivery after this is processed again (see the
   * README, "Replays": `maxAgeSeconds` bounds what is older).
   * @default 86_400_000 (24 hours)
   */
  ttlMs?: number;
  /**
   * The most event ids the in-memory store keeps; the least recently seen are forgotten first. About
   * 150 bytes per id, so the default holds a day of 1 event/s with room to spare in ~15 MB. Ignored with `store`.
   * @default 100_000
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
  /**
   * How many times recording an event as done is tried within the delivery when the store fails (the
   * work already succeeded). If every try fails, this process remembers the event itself — answering its
   * redeliveries 2xx without running the work again — keeps retrying the write in the background, and
   * leaves the claim in the store to hold off other processes until `leaseMs` lapses.
   * @default 3
   */
  markDoneAttempts?: number;
  /** The clock, in ms since the epoch (tests inject one). @default Date.now */
  now?: () => number;
}

/** The outcome of {@link EventDeduper.run}. */
export type DedupeOutcome<T> =
  | {
      status: 'processed';
      value: T;
      /**
       * Set when the work succeeded but the store could not record it, even after retries. This process
       * still answers its redeliveries as duplicates and keeps retrying the write in the background.
       */
      storeError?: unknown;
    }
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

/** Pauses before the 2nd, 3rd, ... in-request try of a failed done-write, in ms. */
const MARK_DONE_PAUSES_MS = [25, 100, 250, 500];
/** Background retries of a done-write that failed in the request: first pause, doubling up to the cap. */
const BACKGROUND_FIRST_MS = 1_000;
const BACKGROUND_MAX_MS = 60_000;

/**
 * De-duplicates webhook deliveries on `eventId`, FML's idempotency key (it stays the same across retries
 * and redeliveries). In memory by default; pass a `store` to share it between processes.
 *
 * The guarantee: `work` runs at most once per `eventId` while the store remembers it (and this process
 * lives), and at least once overall — a crash between the work and recording it means it runs again on
 * the retry. So `work` (your `onEvent`) must be idempotent.
 */
export function createEventDeduper(options: EventDeduperOptions = {}): EventDeduper {
  const ttlMs = positive(options.ttlMs, 86_400_000, 'ttlMs');
  const leaseMs = positive(options.leaseMs, 300_000, 'leaseMs');
  const attempts =
    options.markDoneAttempts === undefined ? 3 : wholeNumber(options.markDoneAttempts, 'markDoneAttempts', 1, 10);
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryDedupeStore({ maxEntries: options.maxEntries, now });
  // Runs in this process, so a concurrent duplicate waits here rather than asking the store again.
  const running = new Map<string, Promise<void>>();
  // Events processed here whose "done" the store has not taken yet: id → when to stop trying.
  const unrecorded = createLru<number>(positive(options.maxEntries, 100_000, 'maxEntries'), now);
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryPause = BACKGROUND_FIRST_MS;

  const recordDone = async (eventId: string): Promise<void> => {
    await store.markDone(eventId, ttlMs);
    unrecorded.delete(eventId);
  };

  /** Retries every unrecorded done-write, with backoff, until the store takes them (or they expire). */
  const scheduleRetry = (): void => {
    if (retryTimer || unrecorded.size === 0) return;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      let failed = false;
      for (const eventId of unrecorded.keys()) {
        try {
          await recordDone(eventId);
        } catch {
          failed = true;
          break; // the store is still down: wait before knocking again
        }
      }
      retryPause = failed ? Math.min(retryPause * 2, BACKGROUND_MAX_MS) : BACKGROUND_FIRST_MS;
      scheduleRetry();
    }, retryPause);
    // A pending retry must not keep a finished process alive.
    (retryTimer as { unref?: () => void }).unref?.();
  };

  async function run<T>(eventId: string, work: () => T | Promise<T>): Promise<DedupeOutcome<T>> {
    for (let earlier = running.get(eventId); earlier; earlier = running.get(eventId)) await earlier;
    let finished!: () => void;
    running.set(eventId, new Promise<void>((resolve) => (finished = resolve)));
    try {
      if (unrecorded.get(eventId) !== undefined) {
        // Processed here already; the store just has not heard. Try to tell it again, never run twice.
        await recordDone(eventId).catch(() => undefined);
        return { status: 'duplicate' };
      }
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
      let storeError: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) =>
            setTimeout(resolve, MARK_DONE_PAUSES_MS[Math.min(attempt - 1, MARK_DONE_PAUSES_MS.length - 1)]),
          );
        try {
          await store.markDone(eventId, ttlMs);
          return { status: 'processed', value };
        } catch (error) {
          storeError = error;
        }
      }
      // The work is done and must not run again: remember it here, keep the claim (not released) so
      // other processes wait it out, and keep trying to record it.
      unrecorded.set(eventId, ttlMs, ttlMs);
      scheduleRetry();
      return { status: 'processed', value, storeError };
    } finally {
      running.delete(eventId);
      finished();
    }
  }
  return { run };
}

/** Options for {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** The most event ids kept; the least recently seen are forgotten first. @default 100_000 */
  maxEntries?: number | undefined;
  /** The clock, in ms since the epoch (tests inject one). @default Date.now */
  now?: (() => number) | undefined;
}

/** The in-memory {@link DedupeStore}: an LRU bounded by `maxEntries`, entries expire. One process only. */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const entries = createLru<'claimed' | 'done'>(
    positive(options.maxEntries, 100_000, 'maxEntries'),
    options.now ?? Date.now,
  );
  return {
    claim(eventId, leaseMs) {
      const state = entries.get(eventId);
      if (state !== undefined) return state === 'done' ? 'done' : 'in_progress';
      entries.set(eventId, 'claimed', leaseMs);
      return 'claimed';
    },
    markDone(eventId, ttlMs) {
      entries.set(eventId, 'done', ttlMs);
    },
    release(eventId) {
      entries.delete(eventId);
    },
  };
}

/** @internal A least-recently-used map with per-entry expiry; every operation is O(1). */
export interface Lru<V> {
  readonly size: number;
  /** The live value, marking it most recently used; expired entries are dropped on sight. */
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number): void;
  delete(key: string): void;
  keys(): string[];
}

export function createLru<V>(maxEntries: number, now: () => number): Lru<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used at the front,
  // so eviction takes the first key — no scan, whatever the size.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get size() {
      return entries.size;
    },
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, ttlMs) {
      const at = now();
      entries.delete(key);
      entries.set(key, { value, expiresAt: at + ttlMs });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      // Drop at most one expired entry from the front per write, so memory follows the live set.
      const first = entries.entries().next().value;
      if (first && first[1].expiresAt <= at) entries.delete(first[0]);
    },
    delete(key) {
      entries.delete(key);
    },
    keys() {
      return [...entries.keys()];
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new FmlConfigError(
      `${name} must be a positive number of ${name === 'maxEntries' ? 'entries' : 'milliseconds'}; got ${String(value)}.`,
    );
  return value;
}

function wholeNumber(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new FmlConfigError(`${name} must be a whole number from ${min} to ${max}; got ${String(value)}.`);
  return value;
}
