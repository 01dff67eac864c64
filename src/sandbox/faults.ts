import { FaultEngine, wholeIn, type FaultCount } from './shell/fault-engine';

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

/** A switched-on fault, as `faults.list()` shows it: its count (id, scope, hits, remaining) and what it does. */
export interface FaultRule extends FaultCount {
  kind: FaultKind;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

/** Where a `lose-response` fault hits when it names neither method nor path: the create it exists for. */
const LOSE_RESPONSE_DEFAULT = { method: 'POST', path: '/v1/cases' } as const;

const KINDS: readonly FaultKind[] = ['reset', 'truncate', 'status', 'rate-limit', 'delay', 'lose-response'];

/** The knobs' ranges: wide enough for any test, narrow enough that no value means something else. */
const MAX_DELAY_MS = 600_000;
const MAX_RETRY_AFTER_SECONDS = 86_400;

type FaultEffect = Pick<FaultRule, 'kind' | 'status' | 'retryAfterSeconds' | 'delayMs'>;

/** What the fault does, its knobs checked (the engine checks method, path and times). */
function effectOf(engine: FaultEngine<FaultEffect>, spec: FaultSpec): FaultEffect {
  if (!KINDS.includes(spec.kind)) engine.fail(`kind must be one of ${KINDS.join(', ')}.`);
  if (spec.status !== undefined && !wholeIn(spec.status, 500, 599)) engine.fail('status must be 500–599.');
  if (spec.retryAfterSeconds !== undefined && !wholeIn(spec.retryAfterSeconds, 0, MAX_RETRY_AFTER_SECONDS))
    engine.fail(`retryAfterSeconds must be a whole number from 0 to ${MAX_RETRY_AFTER_SECONDS}.`);
  // Past 2^31-1 ms a timer fires at once: an out-of-range delay would silently be no delay.
  if (spec.delayMs !== undefined && !wholeIn(spec.delayMs, 0, MAX_DELAY_MS))
    engine.fail(`delayMs must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (10 minutes).`);
  if (spec.kind === 'status') return { kind: spec.kind, status: spec.status ?? 503 };
  if (spec.kind === 'rate-limit') return { kind: spec.kind, retryAfterSeconds: spec.retryAfterSeconds ?? 1 };
  if (spec.kind === 'delay') return { kind: spec.kind, delayMs: spec.delayMs ?? 1000 };
  return { kind: spec.kind };
}

/**
 * Fault switches: each rule hits the next matching requests, oldest rule first. Used by tests (and by
 * users' own resilience tests) to make the sandbox misbehave the way networks and servers do.
 */
export class SandboxFaults {
  readonly #engine = new FaultEngine<FaultEffect>('Invalid sandbox fault', 'exact');

  /**
   * Switches on a fault; returns it (its `id` removes it early). A `lose-response` fault that names
   * neither method nor path hits `POST /v1/cases` — the same default from code, the admin route
   * (`POST /_sandbox/faults`) and {@link loseResponse}.
   */
  add(input: FaultSpec): FaultRule {
    const spec =
      input.kind === 'lose-response' && input.method === undefined && input.path === undefined
        ? { ...input, ...LOSE_RESPONSE_DEFAULT }
        : input;
    const effect = effectOf(this.#engine, spec);
    return this.#engine.add(spec, effect);
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
    return this.#engine.list();
  }

  /** Switches one fault off; false when no such fault is on. */
  remove(id: string): boolean {
    return this.#engine.remove(id);
  }

  /** Switches every fault off. */
  clear(): void {
    this.#engine.clear();
  }

  /** @internal The fault this request hits (counting the hit), if any. */
  take(method: string, path: string): FaultRule | undefined {
    return this.#engine.take(method, path);
  }
}
