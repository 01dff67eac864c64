import { FmlAbortError, FmlConnectionError, FmlError, FmlTimeoutError, RateLimitWaitError } from '../../errors';
import { parseRetryAfter } from '../headers';
import { linkSignals, newAbortController } from './abort';
import { AttemptTimer } from './attempt-timer';
import { backoffDelayMs, isRetryableStatus } from './backoff';
import { REAL_CLOCK, type Clock } from './clock';
import { notify, type AttemptInfo } from './hooks';
import {
  type EngineAnswer,
  type EngineCallOptions,
  type EngineProfile,
  type EngineRequest,
  type PacerPermit,
  isRetrySafe,
} from './engine-types';
import { redact, redactHeaders, redactUrl } from '../redact';
import { telemetry, type CallSpan } from './telemetry';

interface Attempt {
  status: number;
  headers: Headers;
  text: string;
  requestId: string | undefined;
}

/**
 * The one resilient sender every outbound call goes through. Data flows one way:
 * token → attempt (under its timer) → judge → (wait → token → attempt)* → the final answer.
 *
 * - Each attempt runs under `timeoutMs`, body read included; the deadline bounds the token wait, every
 *   attempt and every wait; the caller's and the profile's signals cancel at once.
 * - Retries: connection errors, timeouts, 408, 429 and 5xx, for requests safe to repeat ({@link isRetrySafe}),
 *   with exponential backoff and jitter, or the server's `Retry-After` (seconds or HTTP date), capped.
 *   A wait that cannot end before the deadline is not started: the real failure is reported at once.
 * - A 401 to a bearer call drops the token, gets a fresh one and tries once more.
 * - Non-2xx answers are returned, not thrown: each caller maps them to its own error classes.
 */
export class Engine {
  readonly profile: EngineProfile;
  readonly #clock: Clock;
  readonly #timeLimits = new AttemptTimer();
  #sequence = 0;

  constructor(profile: EngineProfile) {
    this.profile = profile;
    this.#clock = profile.clock ?? REAL_CLOCK;
  }

  async send(req: EngineRequest, call: EngineCallOptions = {}): Promise<EngineAnswer> {
    const p = this.profile;
    const clock = this.#clock;
    const maxRetries = call.maxRetries ?? p.maxRetries;
    const timeoutMs = call.timeoutMs ?? p.timeoutMs;
    const deadlineMs = call.deadlineMs ?? p.deadlineMs;
    const deadlineAt = Math.min(
      deadlineMs === undefined ? Infinity : clock.now() + deadlineMs,
      call.deadlineAt ?? Infinity,
    );
    const retrySafe = isRetrySafe(req);
    // A number until a line is logged: most calls never build the string.
    const id = ++this.#sequence;
    const tel = telemetry();
    const span = tel && (await tel)?.startCall(p.service, req.method, redactUrl(req.url));

    // The deadline is a signal, so the token wait, every attempt and every backoff sleep all obey it.
    // Controllers are made only when needed: each costs a few µs in Node 20, and this is the hot path.
    let deadline: AbortController | undefined;
    let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
    if (deadlineAt !== Infinity) {
      const controller = newAbortController();
      deadline = controller;
      const reason = new FmlTimeoutError(
        `The call to ${p.service}${req.what ? ` (${req.what})` : ''} did not finish within its ${deadlineMs === undefined ? '' : `${deadlineMs} ms `}deadline.`,
      );
      const left = deadlineAt - clock.now();
      if (left <= 0) controller.abort(reason);
      else deadlineTimer = setTimeout(() => controller.abort(reason), left);
    }
    // The call's own signal, when anything can cancel it (none in the common case: no caller signal, no
    // client signal, no deadline). Its own even when only the caller's signal can: a caller may hand one
    // signal to a whole burst of calls, and each call's waits (the token, a pacer slot, a backoff) listen
    // on this one, so the caller's signal carries a single listener of the SDK's however many calls share it.
    const link =
      call.signal || p.signal || deadline ? linkSignals([call.signal, p.signal, deadline?.signal]) : undefined;
    const callSignal = link?.signal;
    let retries = 0;
    try {
      let reauthorised = false;
      // The previous attempt's outcome: reported as it is when pacing cannot fit a retry before the deadline.
      let previous: { answer: Attempt | undefined; failure: FmlError | undefined; retries: number } | undefined;
      for (let attempt = 1; ; attempt++) {
        // Everything that must happen before an attempt goes here, in this one place: the token, then the
        // pacer's slot (after the token, so a slow mint does not hold a slot it is not using).
        let token: string | undefined;
        let permit: PacerPermit | undefined;
        try {
          // An already-cancelled call must not start (or join) a token mint.
          if (callSignal?.aborted) throw callSignal.reason;
          // The mint has its own retries; its failure (e.g. invalid_client) ends this call as it is.
          token =
            req.auth !== false && p.auth
              ? (p.auth.peek?.() ?? (await raceAbort(p.auth.token(), callSignal)))
              : undefined;
          if (p.pacer)
            permit = await p.pacer.acquire(req, { deadlineAt, signal: callSignal, attemptTimeoutMs: timeoutMs });
        } catch (error) {
          // No slot before the deadline for a retry: the failure that asked for the retry is the news.
          if (previous && error instanceof RateLimitWaitError) {
            if (previous.answer) return this.#final(id, span, previous.answer, previous.retries, req);
            // biome-ignore lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
            throw this.#giveUp(id, previous.failure!, previous.retries);
          }
          throw abortReason(error, callSignal, deadline?.signal);
        }

        let answer: Attempt | undefined;
        let failure: FmlError | undefined;
        try {
          answer = await this.#attempt(req, token, timeoutMs, callSignal, id, attempt, retries, span);
          // Settled only once answered: an attempt that timed out may still reach the server, so its slot
          // keeps its in-flight bound. A store that fails to settle leaves that (safe) bound too.
          permit?.settle().catch((e: unknown) => this.#paceFailed(id, e));
        } catch (error) {
          if (callSignal?.aborted) throw abortReason(error, callSignal, deadline?.signal);
          failure = error as FmlConnectionError | FmlTimeoutError;
        }
        previous = { answer, failure, retries };

        let waitMs: number | undefined;
        if (answer) {
          const { status } = answer;
          if (status >= 200 && status < 300) return finish(span, answer, retries);
          if (status === 401 && token && !reauthorised) {
            reauthorised = true;
            p.log('info', `${p.service} req_${id} got 401, getting a new token and retrying once`);
            await p.auth?.forget(token);
            continue;
          }
          if (!(p.retryableAnswer ? p.retryableAnswer(status, answer.text) : isRetryableStatus(status)))
            return this.#final(id, span, answer, retries, req);
          if (!retrySafe && !p.refusedUnprocessed?.(status)) return this.#final(id, span, answer, retries, req);
          // The server may ask for a pause on any retryable answer (429, 503…), not only on 429.
          const askedMs = parseRetryAfter(answer.headers.get('retry-after'), clock.now());
          if (askedMs !== undefined && status === 429 && p.pacer) {
            // FML throttled this client id: the whole fleet sharing the pacer pauses, not just this call.
            await p.pacer
              .retryAfter(req, Math.min(askedMs, p.maxRetryAfterMs))
              .catch((e: unknown) => this.#paceFailed(id, e));
          }
          if (askedMs !== undefined) {
            if (askedMs > p.maxRetryAfterMs && p.longRetryAfter === 'give-up')
              return this.#final(id, span, answer, retries, req);
            waitMs = Math.min(askedMs, p.maxRetryAfterMs);
          }
          if (retries >= maxRetries) return this.#final(id, span, answer, retries, req);
        } else if (!retrySafe || retries >= maxRetries) {
          // biome-ignore lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
          throw this.#giveUp(id, failure!, retries);
        }
        waitMs ??= backoffDelayMs(retries, p.retryBaseDelayMs, p.retryMaxDelayMs);
        // A wait that cannot end before the deadline only burns the caller's time: report the real
        // failure now (e.g. a 429 with its Retry-After) rather than a timeout later.
        if (clock.now() + waitMs >= deadlineAt) {
          if (answer) return this.#final(id, span, answer, retries, req);
          // biome-ignore lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
          throw this.#giveUp(id, failure!, retries);
        }
        // biome-ignore lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
        const reason = answer ? String(answer.status) : failure!.code;
        p.log(
          'info',
          `${p.service} req_${id} retrying in ${waitMs} ms (retry ${retries + 1} of ${maxRetries}) after ${reason}`,
        );
        if (p.hooks?.onRetry)
          notify(p, 'onRetry', {
            ...this.#info(req, attempt, answer?.requestId),
            status: answer?.status,
            delayMs: waitMs,
            reason,
          });
        try {
          await clock.sleep(waitMs, callSignal);
        } catch {
          // The deadline or the caller ended the wait: report what ended it, with the last failure as cause.
          // biome-ignore-start lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
          throw abortReason(
            failure ??
              p.errorOf?.({ ...answer!, retries }, req) ??
              new FmlError(
                'retry_wait_aborted',
                `The wait after ${p.service} answered ${answer!.status} was cut short.`,
              ),
            callSignal,
            deadline?.signal,
          );
          // biome-ignore-end lint/style/noNonNullAssertion: an attempt sets exactly one of answer and failure
        }
        retries++;
      }
    } catch (error) {
      span?.end(undefined, error, retries);
      throw error;
    } finally {
      clearTimeout(deadlineTimer);
      link?.dispose();
    }
  }

  /** One HTTP exchange, body read included, under a per-attempt timer. */
  async #attempt(
    req: EngineRequest,
    token: string | undefined,
    timeoutMs: number,
    callSignal: AbortSignal | undefined,
    id: number,
    attempt: number,
    retries: number,
    span: CallSpan | undefined,
  ): Promise<Attempt> {
    const p = this.profile;
    let headers = token ? { ...req.headers, authorization: `Bearer ${token}` } : req.headers;
    const attemptSpan = span?.attempt(retries);
    if (attemptSpan) headers = attemptSpan.inject(headers === req.headers ? { ...headers } : headers);
    const hooks = p.hooks;
    if (hooks?.onRequest) notify(p, 'onRequest', this.#info(req, attempt, undefined));
    // The attempt's time limit is a signal fetch obeys (so a timed-out exchange frees its connection),
    // shared with the attempts starting beside it (see ./attempt-timer.ts); linked to the call's signal
    // only when the call has one.
    // The engine's clock, not `performance` (n8n's Code node has none).
    const started = this.#clock.now();
    const limit = this.#timeLimits.join(timeoutMs, started);
    const link = callSignal ? linkSignals([callSignal, limit.signal]) : undefined;
    const signal = link?.signal ?? limit.signal;
    const debug = p.log.enabled('debug');
    if (debug)
      p.log(
        'debug',
        `${p.service} req_${id} → ${req.method} ${redactUrl(req.url)}${retries ? ` (retry ${retries})` : ''}`,
        () => ({
          headers: redactHeaders(headers),
          body: typeof req.body === 'string' ? redact(parseBody(req.body)) : undefined,
        }),
      );
    try {
      const res = await p.fetch(req.url, { method: req.method, headers, body: req.body, signal });
      const text = await res.text();
      const requestId = res.headers.get('x-request-id') ?? undefined;
      const durationMs = this.#clock.now() - started;
      if (debug)
        p.log(
          'debug',
          `${p.service} req_${id} ← ${res.status} ${req.method} ${redactUrl(req.url)} in ${durationMs} ms`,
          () => ({ requestId, body: redact(parseBody(text)) }),
        );
      if (hooks?.onResponse)
        notify(p, 'onResponse', { ...this.#info(req, attempt, requestId), status: res.status, durationMs });
      attemptSpan?.end(res.status, undefined);
      return { status: res.status, headers: res.headers, text, requestId };
    } catch (error) {
      let failure: unknown = error;
      if (limit.fired && !callSignal?.aborted)
        failure = new FmlTimeoutError(
          `${p.service} did not answer${req.what ? ` ${req.what}` : ''} within ${timeoutMs} ms.`,
        );
      else if (!callSignal?.aborted) {
        const message =
          p.unreachable?.(req.what) ?? `Could not reach ${p.service}${req.what ? ` for ${req.what}` : ''}`;
        failure = new FmlConnectionError(
          `${message} (${describeNetworkError(error)}).`,
          p.keepNetworkCause === false ? undefined : { cause: error },
        );
      }
      if (hooks?.onError)
        notify(p, 'onError', {
          ...this.#info(req, attempt, undefined),
          error: failure,
          durationMs: this.#clock.now() - started,
        });
      attemptSpan?.end(undefined, failure);
      throw failure;
    } finally {
      limit.release();
      link?.dispose();
    }
  }

  /** The pacer's store failing (its server down) costs pacing, never the call. */
  #paceFailed(id: number, error: unknown): void {
    this.profile.log('warn', `${this.profile.service} req_${id} pacing: ${error as string}`);
  }

  #info(req: EngineRequest, attempt: number, requestId: string | undefined): AttemptInfo {
    return { service: this.profile.service, method: req.method, url: redactUrl(req.url), attempt, requestId };
  }

  /** The last answer once retrying is over, logged where a user will see it. */
  #final(id: number, span: CallSpan | undefined, answer: Attempt, retries: number, req: EngineRequest): EngineAnswer {
    const log = this.profile.log;
    if (answer.status >= 400 && log.enabled('warn')) {
      const error = this.profile.errorOf?.({ ...answer, retries }, req);
      log(
        'warn',
        `${this.profile.service} req_${id} failed after ${retries + 1} attempt${retries ? 's' : ''}: ${error ? `${error.code}: ${error.message}` : answer.status}`,
      );
    }
    return finish(span, answer, retries);
  }

  #giveUp(id: number, failure: FmlError, retries: number): FmlError {
    this.profile.log(
      'warn',
      `${this.profile.service} req_${id} failed after ${retries + 1} attempt${retries ? 's' : ''}: ${failure.code}: ${failure.message}`,
    );
    return failure;
  }
}

function finish(span: CallSpan | undefined, answer: Attempt, retries: number): EngineAnswer {
  span?.end(answer.status, undefined, retries);
  return { status: answer.status, headers: answer.headers, text: answer.text, requestId: answer.requestId, retries };
}

/**
 * Turns "something aborted" into the SDK error to throw: the deadline's timeout (naming the last failure),
 * an SDK error the signal carried (a handler's own deadline), or `FmlAbortError` for a caller's abort.
 */
function abortReason(error: unknown, callSignal: AbortSignal | undefined, deadline: AbortSignal | undefined): unknown {
  if (!callSignal?.aborted) return error;
  if (deadline?.aborted && callSignal.reason === deadline.reason) {
    const reason = deadline.reason as FmlTimeoutError;
    return error instanceof FmlError && error !== reason
      ? new FmlTimeoutError(`${reason.message} Last failure: ${error.message}`, { cause: error })
      : reason;
  }
  const reason: unknown = callSignal.reason;
  return reason instanceof FmlError ? reason : new FmlAbortError(undefined, { cause: error ?? reason });
}

/** A body as JSON when it is JSON, else the text itself (error pages, proxies); undefined when empty. */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Rejects with the signal's reason as soon as it aborts, else settles as `promise` does. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The most telling part of a network failure: undici nests the code in `cause`; others put it on top. */
function describeNetworkError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const first = [e?.cause?.code, e?.code, e?.cause?.message, e?.message].find((v) => typeof v === 'string' && v !== '');
  return (first as string | undefined) ?? 'network error';
}
