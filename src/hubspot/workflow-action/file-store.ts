import { FmlConfigError, FmlError } from '../../errors';
import { removeStaleTempFiles, writeJsonAtomic } from '../../internal/write-json-atomic';
import {
  CallbackRecordMap,
  type CallbackRecord,
  type CallbackState,
  type CallbackStore,
  type OutputFields,
} from './store';

/** Options of {@link createJsonFileCallbackStore}. */
export interface JsonFileCallbackStoreOptions {
  /**
   * File permissions for the store (it holds customer emails' case ids, not secrets, but still).
   * @default 0o600
   */
  mode?: number;
}

/** A {@link CallbackStore} kept in a JSON file; `flush()` resolves once every change so far is on disk. */
export interface JsonFileCallbackStore extends CallbackStore {
  /** The JSON file the records are kept in. */
  readonly path: string;
  /** Resolves once every change made so far is on disk (written atomically). */
  flush(): Promise<void>;
}

const STATES: readonly CallbackState[] = ['answered', 'blocked', 'completed', 'failed'];
const FILE_VERSION = 1;

/** One change waiting for the next write, with the callbacks of the caller waiting on it. */
interface Pending {
  apply(map: CallbackRecordMap): number;
  resolve(result: number): void;
  reject(error: unknown): void;
}

/**
 * A durable {@link CallbackStore} for one process: every change rewrites the JSON file atomically (a
 * temporary file, flushed to disk, then renamed over the old one; the folder is created), so a crash
 * leaves either the old or the new file — never half of one — and a restart loses no blocked execution.
 * A change counts only once it is on disk: until then reads do not see it, and when the write fails
 * the change is dropped and its caller gets the error, so nothing is ever answered from a record the
 * file does not hold. Changes made while a write runs go to disk together in the next one.
 *
 * For several processes, implement `CallbackStore` on a shared database instead: two processes writing
 * one file overwrite each other's changes.
 *
 * Node, Bun and Deno only (it uses `node:fs`, loaded on first use so other runtimes can import the module).
 */
export function createJsonFileCallbackStore(
  path: string,
  options: JsonFileCallbackStoreOptions = {},
): JsonFileCallbackStore {
  if (typeof path !== 'string' || path.trim() === '')
    throw new FmlConfigError('createJsonFileCallbackStore needs the path of the JSON file to keep executions in.');
  const mode = options.mode ?? 0o600;
  // What the file holds. Replaced only after a successful write.
  let committed = new CallbackRecordMap();
  let loaded: Promise<void> | undefined;
  const pending: Pending[] = [];
  let draining = false;
  let drained: Promise<void> = Promise.resolve();

  // A read that failed (EACCES, EMFILE, a busy disk) is tried again by the next call; a file that was
  // read but is not a store (invalid JSON, wrong shape) stays refused, as no retry would change it.
  const ready = (): Promise<void> =>
    // Temporary files a killed writer left behind go first: each is a full copy of the data.
    (loaded ??= removeStaleTempFiles(path)
      .then(() => readStore(path))
      .then(
        (text) => {
          if (text !== undefined) parseStore(path, text, committed);
        },
        (error: unknown) => {
          loaded = undefined;
          throw error;
        },
      ));

  /** Writes every queued change at once, then any queued meanwhile, until none is left. Never rejects. */
  const drain = async (): Promise<void> => {
    try {
      while (pending.length) {
        const next = committed.copy();
        const batch: { c: Pending; result: number }[] = [];
        for (const c of pending.splice(0)) {
          try {
            batch.push({ c, result: c.apply(next) });
          } catch (error) {
            c.reject(error); // e.g. a record structuredClone cannot copy: refused alone
          }
        }
        if (!batch.length) continue;
        try {
          await writeJsonAtomic(path, { version: FILE_VERSION, records: next.values() }, { mode });
        } catch (error) {
          // The file still holds `committed`: this batch never happened.
          for (const { c } of batch) c.reject(error);
          continue;
        }
        committed = next;
        for (const { c, result } of batch) c.resolve(result);
      }
    } finally {
      // Cleared in the same turn as the last check of `pending`, so no change can slip in unwritten.
      draining = false;
    }
  };
  const change = async (apply: (map: CallbackRecordMap) => number): Promise<number> => {
    await ready();
    const done = new Promise<number>((resolve, reject) => pending.push({ apply, resolve, reject }));
    if (!draining) {
      draining = true;
      drained = drain();
    }
    return done;
  };

  return {
    path,
    async get(callbackId) {
      await ready();
      return committed.get(callbackId);
    },
    async set(record) {
      const copy = structuredClone(record); // as it is now, whatever the caller does with it next
      await change((map) => {
        map.set(copy);
        return 1;
      });
    },
    async delete(callbackId) {
      await ready();
      if (!committed.has(callbackId) && !pending.length) return;
      await change((map) => (map.delete(callbackId) ? 1 : 0));
    },
    async findByCase(caseId) {
      await ready();
      return committed.findByCase(caseId);
    },
    async prune(now) {
      await ready();
      if (!committed.hasExpired(now) && !pending.length) return 0;
      return change((map) => map.prune(now));
    },
    async flush() {
      await ready();
      await drained;
    },
  };
}

/** The file's text; undefined when there is no file yet. */
async function readStore(path: string): Promise<string | undefined> {
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new FmlError(
      'store_unreadable',
      `Could not read the workflow-action store ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function parseStore(path: string, text: string, map: CallbackRecordMap): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Starting empty would silently drop every blocked execution: refuse, and say where to look.
    throw new FmlError(
      'store_unreadable',
      `The workflow-action store ${path} is not valid JSON. Restore it from a backup (or move it aside to start empty, losing its blocked executions).`,
      { cause: error },
    );
  }
  const records =
    typeof data === 'object' && data !== null && Array.isArray((data as { records?: unknown }).records)
      ? (data as { records: unknown[] }).records
      : undefined;
  if (!records)
    throw new FmlError(
      'store_unreadable',
      `The workflow-action store ${path} has no "records" list; is it another program's file?`,
    );
  for (const raw of records) {
    const record = reviveRecord(raw);
    if (record) map.set(record);
  }
}

/** A record from the file, rebuilt from known fields only (the file may have been edited by hand). */
function reviveRecord(raw: unknown): CallbackRecord | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const callbackId = str(r.callbackId);
  const state = str(r.state) as CallbackState | undefined;
  const createdAt = num(r.createdAt);
  const forgetAt = num(r.forgetAt);
  const answer = outputs(r.answer);
  if (!callbackId || !state || !STATES.includes(state) || createdAt === undefined || forgetAt === undefined || !answer)
    return undefined;
  const record: CallbackRecord = {
    callbackId,
    portalId: str(r.portalId) ?? '',
    objectId: str(r.objectId) ?? '',
    state,
    answer,
    createdAt,
    forgetAt,
  };
  const caseId = str(r.caseId);
  if (caseId !== undefined) record.caseId = caseId;
  const portalUrl = str(r.customerPortalUrl);
  if (portalUrl !== undefined) record.customerPortalUrl = portalUrl;
  const blockExpiresAt = num(r.blockExpiresAt);
  if (blockExpiresAt !== undefined) record.blockExpiresAt = blockExpiresAt;
  const completedAt = num(r.completedAt);
  if (completedAt !== undefined) record.completedAt = completedAt;
  const completion = outputs(r.completion);
  if (completion) record.completion = completion;
  const error = r.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string')
    record.error = { code: error.code, message: error.message };
  return record;
}

function outputs(v: unknown): OutputFields | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: OutputFields = {};
  for (const key of Object.keys(v)) {
    const value = (v as Record<string, unknown>)[key];
    if (typeof value === 'string')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
