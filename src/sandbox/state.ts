import { FmlConfigError } from '../errors';
import { randomToken } from './ids';
import type { SandboxCase, SandboxEvent } from './types';

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

/** A case plus what the API does not show: its tenant, creation order and onboarding stage. */
export interface CaseRecord {
  orgId: string;
  seq: number;
  stage: string;
  data: SandboxCase;
}

/** An emitted event in its tenant's feed. */
export interface EventRecord {
  orgId: string;
  seq: number;
  data: SandboxEvent;
}

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

/** Everything the sandbox remembers. Maps are keyed with {@link tenantKey} where tenant-scoped. */
export interface SandboxState {
  /** The client `startSandbox` returns the credentials of. */
  defaultClientId: string | null;
  webhookSecret: string;
  /** HMAC key for the JWT-shaped tokens' third segment. */
  signingKey: string;
  /** Monotonic counter ordering cases and events (cursor pagination walks it). */
  seq: number;
  clients: Map<string, ClientRecord>;
  tokens: Map<string, TokenRecord>;
  cases: Map<string, CaseRecord>;
  /** tenantKey(orgId, crmRecordId) → caseId */
  crmIndex: Map<string, string>;
  events: EventRecord[];
  /** tenantKey(orgId, idempotencyKey) → record */
  idempotency: Map<string, IdempotencyRecord>;
  endpoints: Map<string, EndpointRecord>;
}

/** Joins a tenant and a key so that two tenants never share an entry. */
export const tenantKey = (orgId: string, key: string): string => `${orgId}\u0000${key}`;

export function createEmptyState(webhookSecret = `whsec_${randomToken(24)}`): SandboxState {
  return {
    defaultClientId: null,
    webhookSecret,
    signingKey: randomToken(32),
    seq: 0,
    clients: new Map(),
    tokens: new Map(),
    cases: new Map(),
    crmIndex: new Map(),
    events: [],
    idempotency: new Map(),
    endpoints: new Map(),
  };
}

/** Forgets the data (cases, events, idempotency keys, endpoints); keeps clients, tokens and secrets. */
export function clearData(state: SandboxState): void {
  state.cases.clear();
  state.crmIndex.clear();
  state.events.length = 0;
  state.idempotency.clear();
  state.endpoints.clear();
}

export const nextSeq = (state: SandboxState): number => ++state.seq;

const SNAPSHOT_VERSION = 1;

/** Plain JSON of the state, for the persist file. */
export function toSnapshot(state: SandboxState): unknown {
  return {
    version: SNAPSHOT_VERSION,
    defaultClientId: state.defaultClientId,
    webhookSecret: state.webhookSecret,
    signingKey: state.signingKey,
    seq: state.seq,
    clients: [...state.clients.values()],
    tokens: [...state.tokens.entries()],
    cases: [...state.cases.values()],
    events: state.events,
    idempotency: [...state.idempotency.entries()],
    endpoints: [...state.endpoints.values()],
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rebuilds state from {@link toSnapshot} output. Everything goes into Maps, so keys from the file
 * (even `__proto__`) can never reach an object prototype.
 */
export function fromSnapshot(json: unknown, source: string): SandboxState {
  const bad = (why: string) => new FmlConfigError(`The sandbox persist file ${source} is not usable (${why}). Move it away to start fresh.`);
  if (!isRecord(json) || json.version !== SNAPSHOT_VERSION) throw bad(`expected version ${SNAPSHOT_VERSION}`);
  const { webhookSecret, signingKey, seq, clients, tokens, cases, events, idempotency, endpoints } = json;
  if (typeof webhookSecret !== 'string' || typeof signingKey !== 'string' || typeof seq !== 'number') throw bad('missing secrets or counter');
  if (![clients, tokens, cases, events, idempotency, endpoints].every(Array.isArray)) throw bad('missing collections');
  const state = createEmptyState(webhookSecret);
  state.defaultClientId = typeof json.defaultClientId === 'string' ? json.defaultClientId : null;
  state.signingKey = signingKey;
  state.seq = seq;
  for (const c of clients as ClientRecord[]) state.clients.set(c.clientId, c);
  for (const [token, rec] of tokens as [string, TokenRecord][]) state.tokens.set(token, rec);
  for (const c of cases as CaseRecord[]) {
    state.cases.set(c.data.caseId, c);
    if (c.data.crmRecordId) state.crmIndex.set(tenantKey(c.orgId, c.data.crmRecordId), c.data.caseId);
  }
  state.events.push(...(events as EventRecord[]));
  for (const [key, rec] of idempotency as [string, IdempotencyRecord][]) state.idempotency.set(key, rec);
  for (const e of endpoints as EndpointRecord[]) state.endpoints.set(e.id, e);
  return state;
}
