import { FmlConfigError } from '../errors';
import { newShortId } from './ids';

/**
 * - `reset`: the connection is dropped before the request is handled (the client sees ECONNRESET).
 * - `truncate`: the request is handled; headers and half the body are sent, then the connection drops.
 * - `status`: answers a 5xx error instead of handling the request.
 * - `rate-limit`: answers 429 with `Retry-After` instead of handling the request.
 * - `delay`: waits, then handles the request normally.
 * - `lose-response`: the request is handled (a create makes its case), then the connection drops
 *   before any byte of the response — the failure an Idempotency-Key exists for.
 */
export type FaultKind = 'reset' | 'truncate' | 'status' | 'rate-limit' | 'delay' | 'lose-response';

/** Which requests a fault hits. Admin routes (`/_sandbox/...`) are never hit. */
export interface FaultMatch {
  /** HTTP method, any case. @default any method (`lose-response`: `POST`) */
  method?: string;
  /** Exact path (`/v1/cases`), a prefix ending in `*` (`/v1/cases*`), or a RegExp tested against the path. @default any API path, the token endpoint included (`lose-response`: `/v1/cases`) */
  path?: string | RegExp;
  /** How many matching requests it hits; `'always'` keeps it until removed. @default 1 */
  times?: number | 'always';
}

/** A fault to switch on. */
export interface FaultSpec extends FaultMatch {
  kind: FaultKind;
  /** `status` faults: the status to answer, 500–599. @default 503 */
  status?: number;
  /** `rate-limit` faults: the `Retry-After` seconds to send, 0–86400. @default 1 */
  retryAfterSeconds?: number;
  /** `delay` faults: milliseconds to wait before handling, 0–600000 (10 minutes). @default 1000 */
  delayMs?: number;
}

/** A switched-on fault, as `faults.list()` shows it. */
export interface FaultRule {
  id: string;
  kind: FaultKind;
  method: string | null;
  path: string | null;
  /** Matching requests it will still hit. */
  remaining: number | 'always';
  /** Requests it has hit so far. */
  hits: number;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

interface ActiveFault {
  rule: FaultRule;
  matchPath: (path: string) => boolean;
}

/** Where a `lose-response` fault hits when it names neither method nor path: the create it exists for. */
const LOSE_RESPONSE_DEFAULT = { method: 'POST', path: '/v1/cases' } as const;

const KINDS: readonly FaultKind[] = ['reset', 'truncate', 'status', 'rate-limit', 'delay', 'lose-response'];

function pathMatcher(path: string | RegExp | undefined): (p: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) return (p) => new RegExp(path.source, path.flags.replace('g', '')).test(p);
  if (path.endsWith('*')) {
    const prefix = path.slice(0, -1);
    return (p) => p.startsWith(prefix);
  }
  return (p) => p === path;
}

const wholeAtLeast = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min;
const wholeIn = (n: unknown, min: number, max: number): n is number => wholeAtLeast(n, min) && n <= max;

/** The knobs' ranges: wide enough for any test, narrow enough that no value means something else. */
const MAX_DELAY_MS = 600_000;
const MAX_RETRY_AFTER_SECONDS = 86_400;
const MAX_TIMES = 1_000_000_000;

function checkSpec(spec: FaultSpec): void {
  const fail = (why: string) => {
    throw new FmlConfigError(`Invalid sandbox fault: ${why}`);
  };
  if (!KINDS.includes(spec.kind)) fail(`kind must be one of ${KINDS.join(', ')}.`);
  if (spec.times !== undefined && spec.times !== 'always' && !wholeIn(spec.times, 1, MAX_TIMES)) fail(`times must be a whole number from 1 to ${MAX_TIMES}, or 'always'.`);
  if (spec.method !== undefined && (typeof spec.method !== 'string' || !/^[A-Za-z]+$/.test(spec.method))) fail('method must be an HTTP method name.');
  if (spec.path !== undefined && typeof spec.path !== 'string' && !(spec.path instanceof RegExp)) fail('path must be a string or a RegExp.');
  if (spec.status !== undefined && !(wholeAtLeast(spec.status, 500) && spec.status <= 599)) fail('status must be 500–599.');
  if (spec.retryAfterSeconds !== undefined && !wholeIn(spec.retryAfterSeconds, 0, MAX_RETRY_AFTER_SECONDS)) fail(`retryAfterSeconds must be a whole number from 0 to ${MAX_RETRY_AFTER_SECONDS}.`);
  // Past 2^31-1 ms a timer fires at once: an out-of-range delay would silently be no delay.
  if (spec.delayMs !== undefined && !wholeIn(spec.delayMs, 0, MAX_DELAY_MS)) fail(`delayMs must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (10 minutes).`);
}

/**
 * Fault switches: each rule hits the next matching requests, oldest rule first. Used by tests (and by
 * users' own resilience tests) to make the sandbox misbehave the way networks and servers do.
 */
export class SandboxFaults {
  #active: ActiveFault[] = [];

  /**
   * Switches on a fault; returns it (its `id` removes it early). A `lose-response` fault that names
   * neither method nor path hits `POST /v1/cases` — the same default from code, the admin route
   * (`POST /_sandbox/faults`) and {@link loseResponse}.
   */
  add(input: FaultSpec): FaultRule {
    const spec = input.kind === 'lose-response' && input.method === undefined && input.path === undefined ? { ...input, ...LOSE_RESPONSE_DEFAULT } : input;
    checkSpec(spec);
    const times = spec.times ?? 1;
    const rule: FaultRule = {
      id: newShortId('flt'),
      kind: spec.kind,
      method: spec.method?.toUpperCase() ?? null,
      path: spec.path === undefined ? null : String(spec.path),
      remaining: times,
      hits: 0,
    };
    if (spec.kind === 'status') rule.status = spec.status ?? 503;
    if (spec.kind === 'rate-limit') rule.retryAfterSeconds = spec.retryAfterSeconds ?? 1;
    if (spec.kind === 'delay') rule.delayMs = spec.delayMs ?? 1000;
    this.#active.push({ rule, matchPath: pathMatcher(spec.path) });
    return { ...rule };
  }

  /** The next matching request(s) lose their connection before being handled. */
  resetConnection(match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'reset' });
  }

  /** The next matching request(s) are handled, but the body is cut off halfway. */
  truncateBody(match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'truncate' });
  }

  /** The next matching request(s) get a 5xx instead of being handled. @param status @default 503 */
  serverError(status = 503, match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'status', status });
  }

  /** The next matching request(s) get 429 with `Retry-After: retryAfterSeconds`. @param retryAfterSeconds @default 1 */
  rateLimit(retryAfterSeconds = 1, match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'rate-limit', retryAfterSeconds });
  }

  /** The next matching request(s) are handled after `delayMs`. */
  delay(delayMs: number, match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'delay', delayMs });
  }

  /**
   * The next matching request(s) are handled — a create makes its case — and then the connection is
   * dropped before the response. Matches `POST /v1/cases` unless a method or path is given (then only
   * what is given: `{ path: '/v1/oauth/token' }` hits that path with any method).
   */
  loseResponse(match: FaultMatch = {}): FaultRule {
    return this.add({ ...match, kind: 'lose-response' });
  }

  /** The switched-on faults, oldest first. */
  list(): FaultRule[] {
    return this.#active.map((a) => ({ ...a.rule }));
  }

  /** Switches one fault off; false when no such fault is on. */
  remove(id: string): boolean {
    const before = this.#active.length;
    this.#active = this.#active.filter((a) => a.rule.id !== id);
    return this.#active.length !== before;
  }

  /** Switches every fault off. */
  clear(): void {
    this.#active = [];
  }

  /** @internal The fault this request hits (counting the hit), if any. */
  take(method: string, path: string): FaultRule | undefined {
    const found = this.#active.find((a) => (a.rule.method === null || a.rule.method === method.toUpperCase()) && a.matchPath(path));
    if (!found) return undefined;
    const { rule } = found;
    rule.hits += 1;
    if (rule.remaining !== 'always') {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#active = this.#active.filter((a) => a !== found);
    }
    return { ...rule };
  }
}
