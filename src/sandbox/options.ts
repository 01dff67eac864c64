import { FmlConfigError } from '../errors';
import { MAX_TIMER_MS } from '../internal/timers';

/** A rate limit: `false` turns it off, a number is requests per minute. */
export type RateLimitOption =
  | false
  | number
  | {
      /** Requests allowed per client per window. */
      limit: number;
      /** The window's length, in seconds. @default 60 */
      windowSeconds?: number;
    };

/** One line per request the sandbox answered; holds no header, body or secret. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  requestId: string;
  durationMs: number;
  /** The fault switch that shaped this response, if any (e.g. `reset`). */
  fault?: string;
}

/** One webhook delivery attempt the sandbox made (an outgoing request); holds no body, header or secret. */
export interface DeliveryLogEntry {
  /** The delivery's id (one per event and endpoint; see `sb.deliveries`). */
  deliveryId: string;
  event: string;
  eventId: string;
  url: string;
  /** 1 for the first try. */
  attempt: number;
  /** The receiver's status, or null when it did not answer (see `error`). */
  status: number | null;
  /** Why there was no answer (`ECONNREFUSED`, `timeout after 5000 ms`, …), or null. */
  error: string | null;
  durationMs: number;
  /** What happens next: `delivered`, `retrying` (with `nextAttemptAt`) or `failed` (out of retries). */
  outcome: 'delivered' | 'retrying' | 'failed';
  nextAttemptAt: string | null;
}

/** Options of {@link startSandbox}. Every one is optional. */
export interface SandboxOptions {
  /** Port to listen on. @default 0 (an ephemeral port; read `sb.url`) */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Lifetime of minted access tokens, returned as `expires_in`. Set it low to test expiry. @default 3600 */
  tokenTtlSeconds?: number;
  /** API requests allowed per client per window (FML: 120/minute). `false` turns it off. @default 120 */
  rateLimit?: RateLimitOption;
  /** Token requests allowed per client per window (FML: 30/minute). `false` turns it off. @default 30 */
  tokenRateLimit?: RateLimitOption;
  /**
   * JSON file holding the state (clients, tokens, cases, events, idempotency keys, webhook endpoints),
   * written atomically after every change and loaded on start, so a standalone sandbox survives restarts.
   * @default undefined (state lives in memory only)
   */
  persistPath?: string;
  /** Delays between webhook delivery attempts; one retry per entry, then the delivery is `failed`. @default [50, 100, 200, 400, 800] */
  webhookRetryDelaysMs?: number[];
  /** How long one webhook attempt may take before it counts as failed. @default 5000 */
  webhookTimeoutMs?: number;
  /** The default client's id. @default a random `pk_test_…` (or the persisted one) */
  clientId?: string;
  /** The default client's secret. @default a random `sk_test_…` (or the persisted one) */
  clientSecret?: string;
  /** Secret that signs webhook deliveries (`X-FML-Signature`). @default a random `whsec_…` (or the persisted one) */
  webhookSecret?: string;
  /** Tenant of the default client; every webhook event carries it as `orgId`. @default 'org_sandbox' */
  orgId?: string;
  /** Largest request body accepted. @default 1048576 */
  maxBodyBytes?: number;
  /** Clock used for timestamps, token expiry and rate limits (inject one to test expiry). @default Date.now */
  now?: () => number;
  /** Called once per answered request (the CLI prints these). @default undefined */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Called after every webhook delivery attempt, the sandbox's outgoing requests (the CLI prints these too). @default undefined */
  onDelivery?: (entry: DeliveryLogEntry) => void;
  /**
   * Whether a `POST /v1/cases` that fails validation (400) is stored under its `Idempotency-Key` and
   * replayed — same status and body, `Idempotent-Replay: true` — to every later request with that
   * key. FML documents that replays return "the original status and body verbatim" but not whether
   * error answers count, so both behaviours are available to test against:
   * - `false`: only successful answers (201, or 200 for an existing `crmRecordId`) are stored, so a
   *   corrected retry with the same key can still create the case;
   * - `true`: the first answer is final, errors included — the key is stuck, and only a new key
   *   creates the case (what the HubSpot action's `idempotencyKeySuffix` option is for).
   * @default false
   */
  replayErrors?: boolean;
  /**
   * Host names (without port) the sandbox answers its `/_sandbox` admin routes for, besides loopback
   * (`localhost`, `127.0.0.1`, `[::1]`). The admin routes have no auth, so requests whose `Host` or
   * `Origin` names another host are refused (403) — a web page cannot drive a developer's sandbox
   * through their browser (DNS rebinding, cross-site POSTs). Name the host here when the sandbox runs
   * behind a public name on purpose (a container, a tunnel); `true` accepts every host.
   * @default [] (loopback only)
   */
  publicHosts?: string[] | true;
  /**
   * A token the `/_sandbox` admin routes then require, as `Authorization: Bearer <adminToken>` (401
   * without it). Those routes reset state, mint and revoke clients and switch faults: on a `host` other
   * than loopback (e.g. `0.0.0.0` in a container) they would be open to the network, so a token is then
   * always required — this one, or one generated at start (`sb.adminToken`; the CLI prints it).
   * @default none on a loopback host; generated on any other
   */
  adminToken?: string;
}

/** A resolved rate limit, or null when off. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Options with every default applied and checked. */
export interface ResolvedOptions {
  port: number;
  host: string;
  tokenTtlSeconds: number;
  rateLimit: RateLimit | null;
  tokenRateLimit: RateLimit | null;
  persistPath: string | undefined;
  webhookRetryDelaysMs: number[];
  webhookTimeoutMs: number;
  clientId: string | undefined;
  clientSecret: string | undefined;
  webhookSecret: string | undefined;
  orgId: string;
  maxBodyBytes: number;
  now: () => number;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  onDelivery: ((entry: DeliveryLogEntry) => void) | undefined;
  replayErrors: boolean;
  /** Lower-cased host names accepted on admin routes besides loopback, or true for any. */
  publicHosts: string[] | true;
  /** Required on admin routes when set; always set on a non-loopback host. */
  adminToken: string | undefined;
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** Loopback names and addresses: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`. */
export const isLoopback = (host: string): boolean =>
  LOOPBACK_NAMES.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);

const isWholeNumber = (n: unknown, min: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min;

function resolveRateLimit(name: string, value: RateLimitOption | undefined, fallback: number): RateLimit | null {
  if (value === false) return null;
  const spec = value === undefined ? { limit: fallback } : typeof value === 'number' ? { limit: value } : value;
  const windowSeconds = spec.windowSeconds ?? 60;
  if (!isWholeNumber(spec.limit, 1))
    throw new FmlConfigError(`startSandbox: ${name} must be false, or a whole number of requests ≥ 1.`);
  if (typeof windowSeconds !== 'number' || !(windowSeconds > 0 && windowSeconds <= 86_400))
    throw new FmlConfigError(
      `startSandbox: ${name}.windowSeconds must be a positive number of seconds, at most 86400 (a day).`,
    );
  return { limit: spec.limit, windowMs: windowSeconds * 1000 };
}

/** The host name of a `Host` header or a bind address (`[::1]:4010` → `::1`, `Example.com:80` → `example.com`). */
export function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed?.[1]) return bracketed[1];
  // A bare IPv6 address (`::1`, a bind address) has no port to strip.
  return v.split(':').length > 2 ? v : v.replace(/:\d+$/, '');
}

/** Applies defaults; throws {@link FmlConfigError} for values that cannot work. */
export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const port = options.port ?? 0;
  if (!isWholeNumber(port, 0) || port > 65535)
    throw new FmlConfigError('startSandbox: port must be a whole number from 0 to 65535.');
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  if (!isWholeNumber(tokenTtlSeconds, 1) || tokenTtlSeconds > 31_536_000)
    throw new FmlConfigError(
      'startSandbox: tokenTtlSeconds must be a whole number of seconds from 1 to 31536000 (a year).',
    );
  const webhookRetryDelaysMs = options.webhookRetryDelaysMs ?? [50, 100, 200, 400, 800];
  if (
    !Array.isArray(webhookRetryDelaysMs) ||
    webhookRetryDelaysMs.length > 100 ||
    !webhookRetryDelaysMs.every((d) => isWholeNumber(d, 0) && d <= MAX_TIMER_MS)
  ) {
    throw new FmlConfigError(
      `startSandbox: webhookRetryDelaysMs must be an array of at most 100 whole milliseconds from 0 to ${MAX_TIMER_MS}.`,
    );
  }
  const webhookTimeoutMs = options.webhookTimeoutMs ?? 5000;
  if (!isWholeNumber(webhookTimeoutMs, 1) || webhookTimeoutMs > MAX_TIMER_MS)
    throw new FmlConfigError(`startSandbox: webhookTimeoutMs must be a whole number from 1 to ${MAX_TIMER_MS}.`);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  if (!isWholeNumber(maxBodyBytes, 1) || maxBodyBytes > 1 << 30)
    throw new FmlConfigError('startSandbox: maxBodyBytes must be a whole number from 1 to 1073741824 (1 GiB).');
  for (const key of ['clientId', 'clientSecret', 'webhookSecret', 'orgId'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0))
      throw new FmlConfigError(`startSandbox: ${key} must be a non-empty string.`);
  }
  if (options.replayErrors !== undefined && typeof options.replayErrors !== 'boolean')
    throw new FmlConfigError('startSandbox: replayErrors must be true or false.');
  const publicHosts = options.publicHosts ?? [];
  if (
    publicHosts !== true &&
    (!Array.isArray(publicHosts) || !publicHosts.every((h) => typeof h === 'string' && h.trim() !== ''))
  ) {
    throw new FmlConfigError('startSandbox: publicHosts must be true or an array of host names.');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '')
    throw new FmlConfigError('startSandbox: host must be an interface address, e.g. 127.0.0.1.');
  const { adminToken } = options;
  if (adminToken !== undefined && (typeof adminToken !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(adminToken))) {
    throw new FmlConfigError('startSandbox: adminToken must be 16 to 256 printable characters without spaces.');
  }
  return {
    port,
    host,
    tokenTtlSeconds,
    rateLimit: resolveRateLimit('rateLimit', options.rateLimit, 120),
    tokenRateLimit: resolveRateLimit('tokenRateLimit', options.tokenRateLimit, 30),
    persistPath: options.persistPath,
    webhookRetryDelaysMs: [...webhookRetryDelaysMs],
    webhookTimeoutMs,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    webhookSecret: options.webhookSecret,
    orgId: options.orgId ?? 'org_sandbox',
    maxBodyBytes,
    now: options.now ?? Date.now,
    onRequest: options.onRequest,
    onDelivery: options.onDelivery,
    replayErrors: options.replayErrors ?? false,
    publicHosts: publicHosts === true ? true : publicHosts.map((h) => h.trim().toLowerCase()),
    // Off loopback, the admin routes are reachable from the network: never without a token.
    adminToken:
      adminToken ??
      (isLoopback(hostName(host)) ? undefined : `sbadm_${globalThis.crypto.randomUUID().replaceAll('-', '')}`),
  };
}
