/** Output fields as HubSpot takes them: name → string. */
export type OutputFields = Record<string, string>;

/**
 * Where one execution stands:
 * - `answered`: HubSpot got a final answer (SUCCESS or FAIL_CONTINUE); kept only to answer repeats.
 * - `blocked`: HubSpot was told BLOCK; waiting for FML's decision to complete the callback.
 * - `completed`: the callback was completed with FML's outcome.
 * - `failed`: HubSpot refused the completion for good (e.g. it had already expired the block).
 */
export type CallbackState = 'answered' | 'blocked' | 'completed' | 'failed';

/** One execution of the action, as the handler remembers it. Plain JSON, so any store can hold it. */
export interface CallbackRecord {
  /** HubSpot's id for the execution. */
  callbackId: string;
  portalId: string;
  /** The Company's record id. */
  objectId: string;
  /** FML's case, once created. */
  caseId?: string;
  customerPortalUrl?: string;
  state: CallbackState;
  /** The answer HubSpot got, replayed verbatim when it delivers the same execution again. */
  answer: OutputFields;
  /** Epoch ms the execution was first answered. */
  createdAt: number;
  /** For blocked executions: epoch ms HubSpot stops waiting (from `hs_expiration_duration`). */
  blockExpiresAt?: number;
  /** Epoch ms the callback was completed (or refused). */
  completedAt?: number;
  /** The outputs the callback was completed with. */
  completion?: OutputFields;
  /** Why HubSpot refused the completion, for `failed`. */
  error?: { code: string; message: string };
  /** Epoch ms after which the record may be deleted (`prune`). */
  forgetAt: number;
}

/**
 * Holds callbackId → execution records, so a repeated execution gets the first answer and a blocked one
 * can be completed when FML decides — across restarts when the store is durable. Implement it on your
 * database or Redis for a fleet of servers; `createMemoryCallbackStore` and `createJsonFileCallbackStore`
 * cover one process.
 */
export interface CallbackStore {
  /** The record of this `callbackId`, if any. */
  get(callbackId: string): Promise<CallbackRecord | undefined>;
  /** Inserts or replaces the record with this `callbackId`. */
  set(record: CallbackRecord): Promise<void>;
  /** Forgets the record of this `callbackId` (nothing when there is none). */
  delete(callbackId: string): Promise<void>;
  /** Every record of a case (any state). */
  findByCase(caseId: string): Promise<CallbackRecord[]>;
  /** Deletes records whose `forgetAt` is at or before `now`; returns how many. */
  prune(now: number): Promise<number>;
}

/**
 * The record map both built-in stores keep in memory: by callbackId, with a caseId index so a
 * webhook finds its executions without a scan.
 */
export class CallbackRecordMap {
  readonly #byId = new Map<string, CallbackRecord>();
  readonly #byCase = new Map<string, Set<string>>();

  get(callbackId: string): CallbackRecord | undefined {
    const r = this.#byId.get(callbackId);
    return r === undefined ? undefined : structuredClone(r);
  }

  set(record: CallbackRecord): void {
    this.delete(record.callbackId);
    this.#insert(structuredClone(record));
  }

  #insert(record: CallbackRecord): void {
    this.#byId.set(record.callbackId, record);
    if (record.caseId !== undefined) {
      const ids = this.#byCase.get(record.caseId) ?? new Set<string>();
      ids.add(record.callbackId);
      this.#byCase.set(record.caseId, ids);
    }
  }

  delete(callbackId: string): boolean {
    const prior = this.#byId.get(callbackId);
    if (!prior) return false;
    this.#byId.delete(callbackId);
    if (prior.caseId !== undefined) {
      const ids = this.#byCase.get(prior.caseId);
      ids?.delete(callbackId);
      if (ids?.size === 0) this.#byCase.delete(prior.caseId);
    }
    return true;
  }

  findByCase(caseId: string): CallbackRecord[] {
    return [...(this.#byCase.get(caseId) ?? [])].flatMap((id) => {
      const record = this.#byId.get(id);
      return record ? [structuredClone(record)] : [];
    });
  }

  prune(now: number): number {
    let removed = 0;
    for (const record of [...this.#byId.values()])
      if (record.forgetAt <= now && this.delete(record.callbackId)) removed++;
    return removed;
  }

  has(callbackId: string): boolean {
    return this.#byId.has(callbackId);
  }

  /** Whether {@link prune} at `now` would remove anything. */
  hasExpired(now: number): boolean {
    for (const record of this.#byId.values()) if (record.forgetAt <= now) return true;
    return false;
  }

  /** An independent map with the same records (records are never changed in place, so they are shared). */
  copy(): CallbackRecordMap {
    const out = new CallbackRecordMap();
    for (const record of this.#byId.values()) out.#insert(record);
    return out;
  }

  values(): CallbackRecord[] {
    return [...this.#byId.values()].map((r) => structuredClone(r));
  }

  get size(): number {
    return this.#byId.size;
  }
}

/** A {@link CallbackStore} in this process's memory: lost on restart, not shared between processes. */
export function createMemoryCallbackStore(): CallbackStore {
  const map = new CallbackRecordMap();
  return {
    async get(callbackId) {
      return map.get(callbackId);
    },
    async set(record) {
      map.set(record);
    },
    async delete(callbackId) {
      map.delete(callbackId);
    },
    async findByCase(caseId) {
      return map.findByCase(caseId);
    },
    async prune(now) {
      return map.prune(now);
    },
  };
}

/**
 * The portal whose execution first used a case, from the store's records of it; undefined when the
 * store remembers none (a case made by Custom Code, by hand, or forgotten after `retentionMs`).
 */
export function ownerPortal(records: readonly CallbackRecord[]): string | undefined {
  let first: CallbackRecord | undefined;
  for (const r of records) if (r.portalId !== '' && (first === undefined || r.createdAt < first.createdAt)) first = r;
  return first?.portalId;
}
