import { FmlConfigError } from '../errors';
import { randomToken } from './ids';
import { SandboxIndex } from './indexes';
import type { CaseRecord, EventRecord } from './records';

/** An API client (OAuth2 client credentials) and the tenant it belongs to. */
export interface ClientRecord {
  clientId: string;
  clientSecret: string;
  orgId: string;
  scopes: string[];
  revoked: boolean;
}

/** A minted access token. The token text itself is the map key. */
export interface TokenRecord {
  clientId: string;
  orgId: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

// The records the state and its indexes both hold live in records.ts, below both (no import circle).
export type { CaseRecord, EventRecord } from './records';

/** A response as sent, kept so an Idempotency-Key replay can repeat it byte for byte. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Which endpoint claimed an Idempotency-Key, and (for creates) the response to replay. */
export interface IdempotencyRecord {
  endpoint: string;
  response: StoredResponse | null;
  createdAt: number;
}

/** A registered webhook destination. */
export interface EndpointRecord {
  id: string;
  url: string;
  orgId: string;
  /** Event names (a trailing `*` matches a prefix); null means every event. */
  events: string[] | null;
  /** Own signing secret; null means the sandbox's `webhookSecret`. */
  secret: string | null;
}

/** The collections the persist file journals key by key. */
export type CollectionName = 'clients' | 'tokens' | 'cases' | 'idempotency' | 'endpoints';

/**
 * What changed since the persist file last saw the state: keys per collection (their current value,
 * or their absence, is what gets written), how many events are already saved, and whether a collection
 * was cleared (then the file is rewritten whole: clears are rare, and a rewrite after one is small).
 * Kept by the collections themselves, so every change is seen, whoever makes it.
 */
export class PendingChanges {
  readonly keys = new Map<CollectionName, Set<string>>();
  /** `state.events[savedEvents..]` are not saved yet. */
  savedEvents = 0;
  /** A collection was cleared: the next save rewrites the whole file. */
  reset = false;

  mark(collection: CollectionName, key: string): void {
    let set = this.keys.get(collection);
    if (!set) {
      set = new Set();
      this.keys.set(collection, set);
    }
    set.add(key);
  }

  cleared(collection: CollectionName): void {
    this.keys.delete(collection);
    this.reset = true;
  }

  /** Everything is saved. */
  forget(eventCount: number): void {
    this.keys.clear();
    this.savedEvents = eventCount;
    this.reset = false;
  }
}

/**
 * A Map that reports each change: `set` (also of the same object after changing it in place — how a
 * change is announced), `delete` and `clear`. The persist file and the list indexes follow through it.
 */
export class TrackedMap<V> extends Map<string, V> {
  #onSet: ((key: string, value: V) => void) | undefined;
  #onDelete: ((key: string) => void) | undefined;
  #onClear: (() => void) | undefined;

  constructor(onSet: (key: string, value: V) => void, onDelete: (key: string) => void, onClear: () => void) {
    super();
    this.#onSet = onSet;
    this.#onDelete = onDelete;
    this.#onClear = onClear;
  }

  override set(key: string, value: V): this {
    super.set(key, value);
    this.#onSet?.(key, value);
    return this;
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.#onDelete?.(key);
    return had;
  }

  override clear(): void {
    super.clear();
    this.#onClear?.();
  }
}

/** Everything the sandbox remembers. Maps are keyed with {@link tenantKey} where tenant-scoped. */
export interface SandboxState {
  /** The client `startSandbox` returns the credentials of. */
  defaultClientId: string | null;
  webhookSecret: string;
  /** HMAC key for the JWT-shaped tokens' third segment. */
  signingKey: string;
  /** Monotonic counter ordering cases and events (cursor pagination walks it). */
  seq: number;
  clients: TrackedMap<ClientRecord>;
  tokens: TrackedMap<TokenRecord>;
  /** Store a case again after changing it in place (`cases.set(id, rec)`): that is what saves and re-indexes it. */
  cases: TrackedMap<CaseRecord>;
  /** tenantKey(orgId, crmRecordId) → caseId */
  crmIndex: Map<string, string>;
  /** Every event, oldest first. Append with {@link appendEvent} (it indexes the event too). */
  events: EventRecord[];
  /** tenantKey(orgId, idempotencyKey) → record */
  idempotency: TrackedMap<IdempotencyRecord>;
  endpoints: TrackedMap<EndpointRecord>;
  /** Per-tenant lists behind O(page) list endpoints. */
  index: SandboxIndex;
  /** What the persist file has not saved yet. */
  pending: PendingChanges;
}

/** Joins a tenant and a key so that two tenants never share an entry. */
export const tenantKey = (orgId: string, key: string): string => `${orgId}\u0000${key}`;

export function createEmptyState(webhookSecret = `whsec_${randomToken(24)}`): SandboxState {
  const pending = new PendingChanges();
  const index = new SandboxIndex();
  const tracked = <V>(
    name: CollectionName,
    onSet?: (value: V) => void,
    onDelete?: (key: string) => void,
    onClear?: () => void,
  ) =>
    new TrackedMap<V>(
      (key, value) => {
        pending.mark(name, key);
        onSet?.(value);
      },
      (key) => {
        pending.mark(name, key);
        onDelete?.(key);
      },
      () => {
        pending.cleared(name);
        onClear?.();
      },
    );
  return {
    defaultClientId: null,
    webhookSecret,
    signingKey: randomToken(32),
    seq: 0,
    clients: tracked('clients'),
    tokens: tracked('tokens'),
    cases: tracked<CaseRecord>(
      'cases',
      (rec) => index.caseSet(rec),
      (key) => index.caseDeleted(key),
      () => index.clear(),
    ),
    crmIndex: new Map(),
    events: [],
    idempotency: tracked('idempotency'),
    endpoints: tracked('endpoints'),
    index,
    pending,
  };
}

/** Appends an event to the feed and its indexes. */
export function appendEvent(state: SandboxState, rec: EventRecord): void {
  state.events.push(rec);
  state.index.eventAdded(rec);
  if (rec.seq > state.seq) state.seq = rec.seq;
}

/** Stores a case (new, or changed in place) with its CRM record index entry. */
export function putCase(state: SandboxState, rec: CaseRecord): void {
  state.cases.set(rec.data.caseId, rec);
  if (rec.data.crmRecordId) state.crmIndex.set(tenantKey(rec.orgId, rec.data.crmRecordId), rec.data.caseId);
  if (rec.seq > state.seq) state.seq = rec.seq;
}

/** Forgets the data (cases, events, idempotency keys, endpoints); keeps clients, tokens and secrets. */
export function clearData(state: SandboxState): void {
  state.cases.clear();
  state.crmIndex.clear();
  state.events.length = 0;
  state.idempotency.clear();
  state.endpoints.clear();
  state.index.clear();
  state.pending.reset = true;
  state.pending.savedEvents = 0;
}

export const nextSeq = (state: SandboxState): number => ++state.seq;

/** The first persist file format: the whole state as one JSON document. Still read. */
export const LEGACY_VERSION = 1;
/** Today's persist file: a header line, then one JSON line per change (see `persistence.ts`). */
export const JOURNAL_VERSION = 2;

/** The keyed collections, in the order a compacted persist file lists them (events follow). */
export const COLLECTIONS: readonly CollectionName[] = ['clients', 'tokens', 'cases', 'idempotency', 'endpoints'];

/** One keyed collection of the state. */
export const collectionOf = (state: SandboxState, name: CollectionName): TrackedMap<unknown> =>
  state[name] as TrackedMap<unknown>;

/** Stores one record read back from the persist file (a case keeps its CRM record index entry too). */
export function putRecord(state: SandboxState, name: CollectionName, key: string, value: unknown): void {
  if (name === 'cases') putCase(state, value as CaseRecord);
  else collectionOf(state, name).set(key, value);
}

/** Forgets one record, as the persist file says. */
export function dropRecord(state: SandboxState, name: CollectionName, key: string): void {
  const rec = name === 'cases' ? state.cases.get(key) : undefined;
  const crmRecordId = rec?.data.crmRecordId;
  if (rec && crmRecordId) state.crmIndex.delete(tenantKey(rec.orgId, crmRecordId));
  collectionOf(state, name).delete(key);
}

/** How the first persist file format (one JSON document) keyed each collection's records. */
const LEGACY_SECTIONS: Record<CollectionName, (record: unknown) => [string, unknown]> = {
  clients: (r) => [(r as ClientRecord).clientId, r],
  tokens: (r) => r as [string, TokenRecord],
  cases: (r) => [(r as CaseRecord).data.caseId, r],
  idempotency: (r) => r as [string, IdempotencyRecord],
  endpoints: (r) => [(r as EndpointRecord).id, r],
};

/** The scalar part of a snapshot. */
export interface SnapshotMeta {
  defaultClientId: string | null;
  webhookSecret: string;
  signingKey: string;
  seq: number;
}

export const metaOf = (state: SandboxState): SnapshotMeta => ({
  defaultClientId: state.defaultClientId,
  webhookSecret: state.webhookSecret,
  signingKey: state.signingKey,
  seq: state.seq,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error for a persist file that cannot be read back. */
export const unusable = (source: string, why: string): FmlConfigError =>
  new FmlConfigError(`The sandbox persist file ${source} is not usable (${why}). Move it away to start fresh.`);

/** A fresh state holding the scalar fields of a snapshot header; throws when they are not there. */
export function stateFromMeta(json: unknown, source: string, version = LEGACY_VERSION): SandboxState {
  if (!isRecord(json) || json.version !== version)
    throw unusable(source, `expected version ${LEGACY_VERSION} or ${JOURNAL_VERSION}`);
  const { webhookSecret, signingKey, seq } = json;
  if (typeof webhookSecret !== 'string' || typeof signingKey !== 'string' || typeof seq !== 'number')
    throw unusable(source, 'missing secrets or counter');
  const state = createEmptyState(webhookSecret);
  state.defaultClientId = typeof json.defaultClientId === 'string' ? json.defaultClientId : null;
  state.signingKey = signingKey;
  state.seq = seq;
  return state;
}

/**
 * Rebuilds state from a persist file of the first format: one JSON document, `version: 1` (what the
 * sandbox wrote before its journal). Everything goes into Maps, so keys from the file (even
 * `__proto__`) can never reach an object prototype.
 */
export function fromSnapshot(json: unknown, source: string): SandboxState {
  const state = stateFromMeta(json, source);
  const sections = json as Record<CollectionName | 'events', unknown>;
  if (![...COLLECTIONS, 'events' as const].every((name) => Array.isArray(sections[name])))
    throw unusable(source, 'missing collections');
  // Record by record: spreading 100k+ events into one push() overflows the call stack.
  for (const name of COLLECTIONS) {
    for (const record of sections[name] as unknown[]) {
      const [key, value] = LEGACY_SECTIONS[name](record);
      putRecord(state, name, key, value);
    }
  }
  for (const event of sections.events as EventRecord[]) appendEvent(state, event);
  return state;
}
