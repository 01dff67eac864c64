import { FmlConfigError, FmlError } from '../../errors';
import { CallbackRecordMap, type CallbackRecord, type CallbackState, type CallbackStore, type OutputFields } from './store';

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
  readonly path: string;
  flush(): Promise<void>;
}

const STATES: readonly CallbackState[] = ['answered', 'blocked', 'completed', 'failed'];
const FILE_VERSION = 1;

/**
 * A durable {@link CallbackStore} for one process: every change rewrites the JSON file atomically (a
 * temporary file, flushed to disk, then renamed over the old one), so a crash leaves either the old or
 * the new file — never half of one — and a restart loses no blocked execution. For several processes,
 * implement `CallbackStore` on a shared database instead: two processes writing one file overwrite
 * each other's changes.
 *
 * Node, Bun and Deno only (it uses `node:fs`, loaded on first use so other runtimes can import the module).
 */
export function createJsonFileCallbackStore(path: string, options: JsonFileCallbackStoreOptions = {}): JsonFileCallbackStore {
  if (typeof path !== 'string' || path.trim() === '') throw new FmlConfigError('createJsonFileCallbackStore needs the path of the JSON file to keep executions in.');
  const mode = options.mode ?? 0o600;
  const map = new CallbackRecordMap();
  let loaded: Promise<void> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;

  const ready = (): Promise<void> => (loaded ??= load(path, map));
  const persist = (): Promise<void> => {
    if (queued) return queued;
    const run = chain.then(() => {
      // Cleared before the snapshot is taken: a change made while this write runs queues the next one.
      queued = undefined;
      return writeAtomically(path, JSON.stringify({ version: FILE_VERSION, records: map.values() }), mode);
    });
    queued = run;
    chain = run.catch(() => undefined);
    return run;
  };

  return {
    path,
    async get(callbackId) {
      await ready();
      return map.get(callbackId);
    },
    async set(record) {
      await ready();
      map.set(record);
      await persist();
    },
    async delete(callbackId) {
      await ready();
      if (map.delete(callbackId)) await persist();
    },
    async findByCase(caseId) {
      await ready();
      return map.findByCase(caseId);
    },
    async prune(now) {
      await ready();
      const removed = map.prune(now);
      if (removed > 0) await persist();
      return removed;
    },
    async flush() {
      await ready();
      await chain;
    },
  };
}

async function load(path: string, map: CallbackRecordMap): Promise<void> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw new FmlError('store_unreadable', `Could not read the workflow-action store ${path}: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Starting empty would silently drop every blocked execution: refuse, and say where to look.
    throw new FmlError('store_unreadable', `The workflow-action store ${path} is not valid JSON. Restore it from a backup (or move it aside to start empty, losing its blocked executions).`, { cause: error });
  }
  const records = typeof data === 'object' && data !== null && Array.isArray((data as { records?: unknown }).records) ? (data as { records: unknown[] }).records : undefined;
  if (!records) throw new FmlError('store_unreadable', `The workflow-action store ${path} has no "records" list; is it another program's file?`);
  for (const raw of records) {
    const record = reviveRecord(raw);
    if (record) map.set(record);
  }
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const fs = await import('node:fs/promises');
  const temp = `${path}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`;
  const handle = await fs.open(temp, 'w', mode);
  try {
    await handle.writeFile(text, 'utf8');
    // On disk before the rename, or a power cut could leave the new name pointing at nothing.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
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
  if (!callbackId || !state || !STATES.includes(state) || createdAt === undefined || forgetAt === undefined || !answer) return undefined;
  const record: CallbackRecord = { callbackId, portalId: str(r.portalId) ?? '', objectId: str(r.objectId) ?? '', state, answer, createdAt, forgetAt };
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
  if (error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string') record.error = { code: error.code, message: error.message };
  return record;
}

function outputs(v: unknown): OutputFields | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: OutputFields = {};
  for (const key of Object.keys(v)) {
    const value = (v as Record<string, unknown>)[key];
    if (typeof value === 'string') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
