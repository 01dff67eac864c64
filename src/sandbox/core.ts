import { FmlError } from '../errors';
import { createClientRecord, type NewClient } from './auth';
import { newShortId, newUuid } from './ids';
import { applyAdvance, creationEvents, toAdvanceSpec, type AdvanceSpec, type EventStamp } from './lifecycle';
import type { ResolvedOptions } from './options';
import type { PersistFile } from './persistence';
import { SlidingWindowLimiter } from './rate-limit';
import { SandboxFaults } from './faults';
import {
  appendEvent,
  clearData,
  nextSeq,
  putCase,
  tenantKey,
  type CaseRecord,
  type ClientRecord,
  type EndpointRecord,
  type SandboxState,
} from './state';
import type { CreateCaseInput, SandboxCase, SandboxEvent } from './types';
import { WebhookDeliverer } from './webhook-delivery';

/** Options of `addWebhookEndpoint`. */
export interface WebhookEndpointOptions {
  /** Event names to receive; a trailing `*` matches a prefix (`case.*`). @default every event */
  events?: string[];
  /** Secret that signs this endpoint's deliveries. @default the sandbox's `webhookSecret` */
  secret?: string;
  /** Tenant whose events it receives. @default the default client's tenant */
  orgId?: string;
}

/** A registered webhook endpoint (its secret is never shown). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  orgId: string;
  events: string[] | null;
}

const publicEndpoint = (e: EndpointRecord): WebhookEndpoint => ({
  id: e.id,
  url: e.url,
  orgId: e.orgId,
  events: e.events ? [...e.events] : null,
});

const wantsEvent = (filter: string[] | null, name: string): boolean =>
  filter === null || filter.some((f) => (f.endsWith('*') ? name.startsWith(f.slice(0, -1)) : f === name));

/**
 * The sandbox's behaviour, without HTTP: state, clients, limits, faults, the case lifecycle and webhook
 * fan-out. Route handlers and the public `Sandbox` object both drive this one instance.
 */
export class SandboxCore {
  readonly faults = new SandboxFaults();
  readonly apiLimiter: SlidingWindowLimiter;
  readonly tokenLimiter: SlidingWindowLimiter;
  readonly deliverer: WebhookDeliverer;
  /** Base URL once listening (portal and analyst links point here). */
  baseUrl = '';
  /** The latest event timestamp handed out, in ms: later events never go back before it. */
  #lastEventMs = Number.NEGATIVE_INFINITY;

  /** Where the state is saved, when `persistPath` is set. */
  readonly #file: PersistFile | undefined;

  constructor(
    readonly state: SandboxState,
    readonly options: ResolvedOptions,
    file?: PersistFile,
  ) {
    this.#file = file;
    this.apiLimiter = new SlidingWindowLimiter(options.rateLimit);
    this.tokenLimiter = new SlidingWindowLimiter(options.tokenRateLimit);
    this.deliverer = new WebhookDeliverer({
      retryDelaysMs: options.webhookRetryDelaysMs,
      timeoutMs: options.webhookTimeoutMs,
      now: options.now,
      onAttempt: options.onDelivery,
    });
    // A persisted sandbox continues after its last event, even if the clock says otherwise.
    for (const e of state.events) {
      const ms = Date.parse(e.data.timestamp);
      if (ms > this.#lastEventMs) this.#lastEventMs = ms;
    }
  }

  now(): number {
    return this.options.now();
  }

  nowIso(): string {
    return new Date(this.options.now()).toISOString();
  }

  /**
   * Timestamps for the events of one change: the first at the clock's time (or 1 ms after the previous
   * event, if the clock has not moved past it), each next one 1 ms later. Receivers that order by
   * `timestamp` (like the HubSpot write-back) then see one change's events — and consecutive changes —
   * in emission order, even under a frozen test clock.
   */
  eventStamp(): { at: string; stamp: EventStamp } {
    let next = Math.max(this.options.now(), this.#lastEventMs + 1);
    const at = new Date(next).toISOString();
    return {
      at,
      stamp: () => {
        this.#lastEventMs = next;
        return new Date(next++).toISOString();
      },
    };
  }

  /**
   * Saves what changed when a persist file is configured; call after every change, before answering.
   * The collections note what changed (a record changed in place is stored again to say so).
   */
  persist(): void {
    this.#file?.save(this.state);
  }

  /** Saves the rest and lets go of the persist file (on close). */
  closePersistFile(): void {
    this.#file?.close(this.state);
  }

  createClient(init: NewClient): ClientRecord {
    const client = createClientRecord(this.state, init);
    this.persist();
    return client;
  }

  /** The case this tenant already has for `crmRecordId`, if any. */
  caseForCrmRecord(orgId: string, crmRecordId: string): CaseRecord | undefined {
    const caseId = this.state.crmIndex.get(tenantKey(orgId, crmRecordId));
    return caseId === undefined ? undefined : this.state.cases.get(caseId);
  }

  /** A case of this tenant; another tenant's case is as unknown as a made-up id. */
  caseOf(orgId: string, caseId: string): CaseRecord | undefined {
    const rec = this.state.cases.get(caseId);
    return rec && rec.orgId === orgId ? rec : undefined;
  }

  createCase(orgId: string, input: CreateCaseInput): CaseRecord {
    const { at, stamp } = this.eventStamp();
    const caseId = newUuid();
    // The contract types customerName/companyName/country as plain strings: absent, never null.
    const data: SandboxCase = {
      caseId,
      customerEmail: input.customerEmail,
      ...(input.customerName !== undefined ? { customerName: input.customerName } : {}),
      ...(input.companyName !== undefined ? { companyName: input.companyName } : {}),
      ...(input.country !== undefined ? { country: input.country } : {}),
      entityType: null,
      crmRecordId: input.crmRecordId ?? null,
      crmSource: input.crmSource ?? null,
      source: 'api',
      status: 'in-progress',
      inviteSentAt: input.sendInvite ? at : null,
      customerPortalUrl: `${this.baseUrl}/_sandbox/portal/${caseId}`,
      analystUrl: `${this.baseUrl}/_sandbox/analyst/${caseId}`,
      companyNumber: null,
      createdAt: at,
      updatedAt: at,
    };
    const rec: CaseRecord = {
      orgId,
      seq: nextSeq(this.state),
      stage: input.sendInvite ? 'invite_sent' : 'created',
      data,
    };
    putCase(this.state, rec);
    this.emit(orgId, creationEvents(rec, stamp));
    return rec;
  }

  /**
   * Links a case of this tenant to a CRM record: later events carry the new `crmRecordId` (and
   * `crmSource`, when given), and creates with that `crmRecordId` find this case. `taken` when another
   * case of the tenant already holds it; `not_found` for unknown and other tenants' cases.
   */
  setCrmRecordId(
    orgId: string,
    caseId: string,
    crmRecordId: string,
    crmSource?: string,
  ): CaseRecord | 'not_found' | 'taken' {
    const rec = this.caseOf(orgId, caseId);
    if (!rec) return 'not_found';
    const holder = this.caseForCrmRecord(orgId, crmRecordId);
    if (holder && holder !== rec) return 'taken';
    if (rec.data.crmRecordId !== null && rec.data.crmRecordId !== crmRecordId)
      this.state.crmIndex.delete(tenantKey(orgId, rec.data.crmRecordId));
    rec.data.crmRecordId = crmRecordId;
    if (crmSource !== undefined) rec.data.crmSource = crmSource;
    rec.data.updatedAt = this.nowIso();
    this.state.crmIndex.set(tenantKey(orgId, crmRecordId), caseId);
    this.state.cases.set(caseId, rec); // changed in place: store it again (saved, re-indexed for updated_since)
    this.persist();
    return rec;
  }

  /** Moves a case (any tenant) and emits what the move emits. Throws for an unknown case id. */
  advanceCase(caseId: string, target: string | AdvanceSpec): { case: SandboxCase; events: SandboxEvent[] } {
    const spec = toAdvanceSpec(target);
    const rec = this.state.cases.get(caseId);
    if (!rec)
      throw new FmlError('sandbox_case_not_found', `advanceCase: the sandbox has no case ${JSON.stringify(caseId)}.`);
    const events = applyAdvance(rec, spec, this.eventStamp().stamp);
    if (events.length) this.state.cases.set(caseId, rec); // changed in place: store it again (saved, re-indexed)
    this.emit(rec.orgId, events);
    return { case: structuredClone(rec.data), events: structuredClone(events) };
  }

  /** Appends events to the tenant's feed, fans them out to matching endpoints, and saves. */
  emit(orgId: string, events: SandboxEvent[]): void {
    for (const event of events) {
      appendEvent(this.state, { orgId, seq: nextSeq(this.state), data: event });
      for (const endpoint of this.state.endpoints.values()) {
        if (endpoint.orgId === orgId && wantsEvent(endpoint.events, event.event)) this.#deliver(endpoint, event);
      }
    }
    this.persist();
  }

  /** Sends an already-emitted event again (same `eventId`) to its tenant's matching endpoints. */
  redeliver(eventId: string): number {
    const rec = this.state.index.eventsById.get(eventId);
    if (!rec)
      throw new FmlError('sandbox_event_not_found', `redeliver: the sandbox has no event ${JSON.stringify(eventId)}.`);
    let count = 0;
    for (const endpoint of this.state.endpoints.values()) {
      if (endpoint.orgId === rec.orgId && wantsEvent(endpoint.events, rec.data.event)) {
        this.#deliver(endpoint, rec.data);
        count += 1;
      }
    }
    return count;
  }

  #deliver(endpoint: EndpointRecord, event: SandboxEvent): void {
    this.deliverer.deliver(
      { id: endpoint.id, url: endpoint.url, secret: endpoint.secret ?? this.state.webhookSecret },
      event,
    );
  }

  addEndpoint(url: string, options: WebhookEndpointOptions = {}): WebhookEndpoint {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new FmlError(
        'sandbox_invalid_endpoint',
        `addWebhookEndpoint: ${JSON.stringify(url)} is not an absolute URL.`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new FmlError('sandbox_invalid_endpoint', 'addWebhookEndpoint: the URL must be http: or https:.');
    const { events, secret, orgId } = options;
    if (
      events !== undefined &&
      (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && e.length > 0))
    ) {
      throw new FmlError('sandbox_invalid_endpoint', 'addWebhookEndpoint: events must be an array of event names.');
    }
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0))
      throw new FmlError('sandbox_invalid_endpoint', 'addWebhookEndpoint: secret must be a non-empty string.');
    const record: EndpointRecord = {
      id: newShortId('we'),
      url: parsed.href,
      orgId: orgId ?? this.options.orgId,
      events: events ? [...events] : null,
      secret: secret ?? null,
    };
    this.state.endpoints.set(record.id, record);
    this.persist();
    return publicEndpoint(record);
  }

  removeEndpoint(id: string): boolean {
    const removed = this.state.endpoints.delete(id);
    if (removed) this.persist();
    return removed;
  }

  endpoints(): WebhookEndpoint[] {
    return [...this.state.endpoints.values()].map(publicEndpoint);
  }

  /** Makes every minted token expire now (the next API call gets 401 `invalid_token`). */
  expireTokens(): void {
    this.state.tokens.clear();
    this.persist();
  }

  revokeClient(clientId: string): boolean {
    const client = this.state.clients.get(clientId);
    if (!client) return false;
    client.revoked = true;
    this.state.clients.set(clientId, client);
    this.persist();
    return true;
  }

  /** Forgets cases, events, idempotency keys, endpoints, deliveries, faults and rate-limit counts. */
  reset(): void {
    clearData(this.state);
    this.deliverer.clear();
    this.faults.clear();
    this.apiLimiter.reset();
    this.tokenLimiter.reset();
    this.persist();
  }
}
