import { SandboxCore, type WebhookEndpoint, type WebhookEndpointOptions } from './core';
import type { SandboxFaults } from './faults';
import type { AdvanceSpec } from './lifecycle';
import { FmlConfigError } from '../errors';
import { createClientRecord } from './auth';
import { resolveOptions, type ResolvedOptions, type SandboxOptions } from './options';
import { openPersistFile, type PersistFile } from './persistence';
import { SandboxServer } from './server';
import { createEmptyState, type SandboxState } from './state';
import type { SandboxCase, SandboxEvent } from './types';
import type { Delivery } from './webhook-delivery';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Options of `sb.createClient()`. */
export interface CreateClientOptions {
  /** Tenant of the new client; a new name makes a new tenant that shares nothing with the others. @default the sandbox's `orgId` */
  orgId?: string;
  /** Scopes it may be granted (leave out `cases:write` to test 403 `insufficient_scope`). @default every documented scope */
  scopes?: string[];
}

/**
 * Credentials of a sandbox API client. `clientSecret` is a getter: readable when asked for, absent
 * from `util.inspect`, `console.log` and `JSON.stringify`.
 */
export class SandboxClientCredentials {
  readonly #secret: string;

  constructor(
    readonly clientId: string,
    secret: string,
    readonly orgId: string,
    readonly scopes: readonly string[],
  ) {
    this.#secret = secret;
  }

  /** The client secret (hidden from `JSON.stringify` and `util.inspect`). */
  get clientSecret(): string {
    return this.#secret;
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { clientId: this.clientId, clientSecret: '***', orgId: this.orgId, scopes: this.scopes };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. */
  [INSPECT](): string {
    return `SandboxClientCredentials ${JSON.stringify(this.toJSON())}`;
  }
}

/** A case with the sandbox-only facts next to it: its tenant and onboarding stage. */
export type SandboxCaseView = SandboxCase & { orgId: string; stage: string };

/** Options of `waitForDeliveries`. */
export interface WaitForDeliveriesOptions {
  /** Give up (reject) after this long. @default 10000 */
  timeoutMs?: number;
}

/**
 * A running sandbox of the FML API. Close it when done (`await sb.close()`).
 * Secrets are getters (`sb.clientSecret`, `sb.webhookSecret`) and stay out of logs and JSON.
 */
export class Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:54321`; pass it as the client's `baseUrl`. */
  readonly url: string;
  /** Tenant of the default client. */
  readonly orgId: string;
  /** Fault switches: make the next requests reset, truncate, fail, throttle, stall or lose their response. */
  readonly faults: SandboxFaults;
  readonly #core: SandboxCore;
  readonly #server: SandboxServer;

  /** @internal Use {@link startSandbox}. */
  constructor(core: SandboxCore, server: SandboxServer, url: string) {
    this.#core = core;
    this.#server = server;
    this.url = url;
    this.orgId = core.options.orgId;
    this.faults = core.faults;
  }

  get #defaultClient() {
    const client = this.#core.state.clients.get(this.#core.state.defaultClientId ?? '');
    // startSandbox makes or adopts the default client before the Sandbox exists.
    if (!client) throw new Error('fml-sandbox: the default client is missing from the state.');
    return client;
  }

  /** The default client's id (all scopes, tenant `orgId`). */
  get clientId(): string {
    return this.#defaultClient.clientId;
  }

  /** The default client's secret. */
  get clientSecret(): string {
    return this.#defaultClient.clientSecret;
  }

  /**
   * The token the `/_sandbox` admin routes require (`Authorization: Bearer …`): the `adminToken`
   * option, or the one generated because the sandbox listens on a non-loopback host; else undefined.
   */
  get adminToken(): string | undefined {
    return this.#core.options.adminToken;
  }

  /** The secret that signs webhook deliveries (`X-FML-Signature`), unless an endpoint has its own. */
  get webhookSecret(): string {
    return this.#core.state.webhookSecret;
  }

  /** Every webhook delivery so far with each attempt (status or error), oldest first. */
  get deliveries(): Delivery[] {
    return this.#core.deliverer.list();
  }

  /** Every case of every tenant, in creation order (copies). */
  get cases(): SandboxCaseView[] {
    return [...this.#core.state.cases.values()].map((c) => ({
      ...structuredClone(c.data),
      orgId: c.orgId,
      stage: c.stage,
    }));
  }

  /** Every event emitted, of every tenant, oldest first (copies; the same objects webhooks carry). */
  get events(): SandboxEvent[] {
    return this.#core.state.events.map((e) => structuredClone(e.data));
  }

  /** Registered webhook endpoints. */
  get webhookEndpoints(): WebhookEndpoint[] {
    return this.#core.endpoints();
  }

  /** A further API client: another tenant (`orgId`), or fewer scopes (e.g. without `cases:write`). */
  createClient(options: CreateClientOptions = {}): SandboxClientCredentials {
    const c = this.#core.createClient({
      orgId: options.orgId ?? this.orgId,
      ...(options.scopes ? { scopes: options.scopes } : {}),
    });
    return new SandboxClientCredentials(c.clientId, c.clientSecret, c.orgId, [...c.scopes]);
  }

  /**
   * Registers a webhook endpoint. Every later event of its tenant that passes the `events` filter is
   * POSTed to it, signed, and retried until a 2xx. Loopback URLs are fine here (real FML refuses them).
   */
  addWebhookEndpoint(url: string, options: WebhookEndpointOptions = {}): WebhookEndpoint {
    return this.#core.addEndpoint(url, options);
  }

  /** Stops delivering to the endpoint with this `id`; false when there is none. */
  removeWebhookEndpoint(id: string): boolean {
    return this.#core.removeEndpoint(id);
  }

  /**
   * Moves a case the way FML's analysts and customers would, and emits the matching webhooks:
   * a status (`'approved'` → `case.status.changed` + `case.decision.made` + stage `decision_made`) or a
   * stage (`'application_submitted'` → `case.onboarding_progress.changed` + `case.submitted`).
   * Returns the updated case.
   */
  advanceCase(caseId: string, target: string | AdvanceSpec): SandboxCase {
    return this.#core.advanceCase(caseId, target).case;
  }

  /** Sends an emitted event again (same `eventId`), as FML's manual redelivery does. Returns the delivery count. */
  redeliver(eventId: string): number {
    return this.#core.redeliver(eventId);
  }

  /** Resolves when no webhook delivery is pending (each delivered or out of retries). */
  waitForDeliveries(options: WaitForDeliveriesOptions = {}): Promise<void> {
    return this.#core.deliverer.whenIdle(options.timeoutMs ?? 10_000);
  }

  /** Makes every minted token invalid now: the next API call gets 401 `invalid_token`. */
  expireTokens(): void {
    this.#core.expireTokens();
  }

  /** Revokes a client: its tokens stop working and it can mint no more (401). */
  revokeClient(clientId: string): boolean {
    return this.#core.revokeClient(clientId);
  }

  /** Forgets cases, events, idempotency keys, webhook endpoints, deliveries, faults and rate-limit counts; keeps clients and tokens. */
  reset(): void {
    this.#core.reset();
  }

  /** Stops the server, cuts open connections and cancels pending deliveries. Safe to call twice. */
  async close(): Promise<void> {
    this.#core.deliverer.close();
    await this.#server.close();
    this.#core.closePersistFile();
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { url: this.url, orgId: this.orgId, clientId: this.clientId, clientSecret: '***', webhookSecret: '***' };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. */
  [INSPECT](): string {
    return `Sandbox ${JSON.stringify(this.toJSON())}`;
  }
}

/** The state to start from: the persist file's, or fresh; then the explicit options on top. */
function initialState(
  resolved: ResolvedOptions,
  explicitOrgId: string | undefined,
  loaded: SandboxState | undefined,
): SandboxState {
  const state = loaded ?? createEmptyState();
  if (resolved.webhookSecret) state.webhookSecret = resolved.webhookSecret;
  const wantedId = resolved.clientId ?? state.defaultClientId ?? undefined;
  const existing = wantedId === undefined ? undefined : state.clients.get(wantedId);
  if (!existing) {
    const created = createClientRecord(state, {
      orgId: resolved.orgId,
      ...(wantedId ? { clientId: wantedId } : {}),
      ...(resolved.clientSecret ? { clientSecret: resolved.clientSecret } : {}),
    });
    state.defaultClientId = created.clientId;
    return state;
  }
  if (existing.orgId !== resolved.orgId) {
    // A persisted client keeps its tenant; only an explicit, different orgId is a contradiction.
    if (explicitOrgId !== undefined) {
      throw new FmlConfigError(
        `startSandbox: client ${existing.clientId} belongs to ${existing.orgId}, not ${explicitOrgId}. Drop the orgId option or use a fresh persist file.`,
      );
    }
    resolved.orgId = existing.orgId;
  }
  if (resolved.clientSecret) existing.clientSecret = resolved.clientSecret;
  existing.revoked = false;
  state.clients.set(existing.clientId, existing); // changed in place: store it again so the persist file sees it
  state.defaultClientId = existing.clientId;
  return state;
}

/**
 * Starts a local FML API sandbox on 127.0.0.1 (an ephemeral port unless `port` is given).
 *
 * ```ts
 * const sb = await startSandbox();
 * const fml = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url });
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const persisted: { state: SandboxState | undefined; file: PersistFile | undefined } = resolved.persistPath
    ? openPersistFile(resolved.persistPath)
    : { state: undefined, file: undefined };
  const core = new SandboxCore(initialState(resolved, options.orgId, persisted.state), resolved, persisted.file);
  const server = new SandboxServer(core);
  const url = await server.listen(resolved.port, resolved.host);
  core.baseUrl = url;
  core.persist();
  return new Sandbox(core, server, url);
}
