import { FmlConfigError, FmlError } from '../errors';
import { type PayloadIssue, WebhookPayloadError, WebhookVerificationError } from './errors';
import { checkMaxAgeSeconds, constructEvent } from './construct-event';
import { type EventDeduper, createEventDeduper } from './dedupe';
import type { CryptoEngine } from './hmac';
import { type BodyLimits, type Endpoint, type JsonAnswer, jsonAnswer, postBody } from './http-adapter';
import { DEFAULT_MAX_BODY_BYTES, checkBodyTimeout } from './raw-body';
import type { WebhookEvent } from './schemas';
import { type WebhookSecret, secretList } from './verify';

/** What the receivers tell `onError` about a delivery they did not answer with 2xx. */
export interface WebhookErrorContext {
  /** The HTTP status answered. */
  status: number;
  /** Why, as a stable code: a verification reason, `invalid_payload`, `handler_failed`, ... */
  reason: string;
  /** Set once the event was parsed. */
  eventId?: string;
  event?: string;
}

/** Options for `createWebhookHandler` and `createNodeWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** The endpoint's signing secret from the FML console, or several while rotating. Never logged or echoed. */
  secret: WebhookSecret;
  /**
   * Called once per verified event. The delivery is answered 2xx once it resolves; if it throws, 500 so
   * FML retries (and the event is not marked as seen). Narrow with `isKnownEvent` / `switch (event.event)`.
   */
  onEvent: (event: WebhookEvent) => unknown;
  /**
   * De-duplication on `eventId`: redeliveries are answered 200 without calling `onEvent` again.
   * `false` turns it off; an `EventDeduper` (e.g. on a shared store) replaces the in-memory one.
   * @default true (in memory, per handler)
   */
  dedupe?: boolean | EventDeduper;
  /**
   * The largest body accepted, in bytes; a bigger one is answered 413 without being read in full.
   * @default 1_048_576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Node receiver (`createNodeWebhookHandler`) only: the time the sender gets to deliver the whole body,
   * in ms from the start of reading. Past it — a sender that stalls, or trickles bytes — the delivery
   * is answered 408 `body_timeout` and the connection is closed. (The Fetch handler reads what its
   * platform hands it; set the platform's own limits there.)
   * @default 30000
   */
  bodyTimeoutMs?: number;
  /**
   * Reject events whose signed `timestamp` is older than this (400 `timestamp_too_old`). Off by default
   * because manual redeliveries keep their original timestamp.
   * @default undefined (no limit)
   */
  maxAgeSeconds?: number;
  /** The HMAC implementation (see `VerifyOptions.crypto`). @default 'auto' */
  crypto?: CryptoEngine;
  /**
   * Called with a delivery whose signature is valid but whose payload fails validation (not JSON, or
   * a field FML's schema does not allow). Such an event really comes from FML, so it is never refused
   * for good: without this hook the receiver answers **500 `invalid_payload`** and FML redelivers it
   * (after you upgrade the SDK, or fix what broke, the redelivery goes through). With it, the delivery
   * is answered 200 once the hook resolves — so the hook must keep the event (e.g. store `raw` in a
   * dead-letter table) — and 500 if it throws. Why not 200 by default: FML purges
   * `case.data_package.delivered` data once it gets a 2xx, so acknowledging an event nobody processed
   * loses it. With de-duplication on, a redelivery of an event the hook already took (same `eventId`)
   * is answered 200 without calling it again.
   *
   * `raw` is the parsed JSON body when it is JSON, else the body as text. It is verified FML data
   * and may hold special-category personal data: store it like the events themselves, never log it.
   * @default undefined (answer 500 so FML redelivers)
   */
  onInvalidEvent?: (raw: unknown, issues: PayloadIssue[]) => unknown;
  /**
   * Told about every delivery not answered 2xx. Never receives the secret. Note that
   * `case.data_package.delivered` carries special-category data: do not log events.
   * @default logs 5xx outcomes (an `onEvent` that threw) with `console.error`; 4xx are not logged
   */
  onError?: (error: unknown, context: WebhookErrorContext) => void;
}

/**
 * The receiving pipeline shared by the Fetch and Node receivers, and the limits their adapter reads the
 * body within: method → body (limited) → verify → parse → de-duplicate → `onEvent` → answer.
 */
export function createDeliveryProcessor(options: WebhookHandlerOptions): { process: Endpoint; limits: BodyLimits } {
  const { secret, onEvent, onInvalidEvent, maxAgeSeconds, crypto } = checkOptions(options);
  const limits: BodyLimits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodyTimeoutMs: checkBodyTimeout(options.bodyTimeoutMs),
  };
  const deduper =
    options.dedupe === false
      ? undefined
      : options.dedupe === true || options.dedupe === undefined
        ? createEventDeduper()
        : options.dedupe;
  const onError = options.onError ?? logServerErrors;

  const report = (error: unknown, context: WebhookErrorContext): void => {
    try {
      onError(error, context);
    } catch {
      // A throwing logger must not change the answer FML gets.
    }
  };
  const fail = (
    error: unknown,
    context: WebhookErrorContext,
    message: string,
    extra: Record<string, unknown> = {},
  ): JsonAnswer => {
    report(error, context);
    return jsonAnswer(context.status, { error: context.reason, message, ...extra });
  };

  const processDelivery: Endpoint = async (incoming) => {
    const read = await postBody(incoming, 'FML delivers webhooks with POST.');
    if ('answer' in read) {
      report(read.error, { status: read.answer.status, reason: String(read.answer.body.error) });
      return read.answer;
    }
    const { body } = read;
    let event: WebhookEvent;
    try {
      event = await constructEvent(body, incoming.headers, secret, { maxAgeSeconds, crypto });
    } catch (error) {
      // constructEvent checks the signature before parsing: a payload error is about a verified event.
      if (error instanceof WebhookPayloadError) return invalidEvent(body, error);
      const [status, reason] = rejectionOf(error);
      // Our own errors' messages say what went wrong and never hold the secret; anything else stays generic.
      const message = error instanceof FmlError ? error.message : 'The receiver failed while reading this delivery.';
      return fail(error, { status, reason }, message);
    }
    return process({ eventId: event.eventId, event: event.event }, () => onEvent(event), 'onEvent');
  };
  return { process: processDelivery, limits };

  /** A verified event that fails validation: 500 so FML redelivers, unless `onInvalidEvent` takes it. */
  async function invalidEvent(body: Uint8Array, error: WebhookPayloadError): Promise<JsonAnswer> {
    const raw = rawValueOf(body);
    const eventId =
      typeof (raw as { eventId?: unknown } | null)?.eventId === 'string'
        ? (raw as { eventId: string }).eventId
        : undefined;
    const name =
      typeof (raw as { event?: unknown } | null)?.event === 'string' ? (raw as { event: string }).event : undefined;
    const about = { ...(eventId ? { eventId } : {}), ...(name ? { event: name } : {}) };
    const hook = onInvalidEvent;
    if (!hook) {
      return fail(
        error,
        { status: 500, reason: 'invalid_payload', ...about },
        `${error.message} The signature is valid, so this delivery is not acknowledged: FML will redeliver it.`,
        { issues: error.issues },
      );
    }
    return process(about, () => hook(raw, error.issues), 'onInvalidEvent');
  }

  /** Runs `work` once per `eventId` (when known and de-duplication is on) and answers accordingly. */
  async function process(
    about: { eventId?: string; event?: string },
    run: () => unknown,
    hookName: string,
  ): Promise<JsonAnswer> {
    let started = false;
    const work = async () => {
      started = true;
      await run();
    };
    try {
      const outcome =
        deduper && about.eventId !== undefined
          ? await deduper.run(about.eventId, work)
          : await work().then(() => ({ status: 'processed' as const }));
      if (outcome.status === 'in_progress') {
        return fail(
          undefined,
          { status: 409, reason: 'in_progress', ...about },
          'Another receiver is processing this event right now; retry later.',
        );
      }
      if ('storeError' in outcome) report(outcome.storeError, { status: 200, reason: 'dedupe_store_failed', ...about });
      return jsonAnswer(200, outcome.status === 'duplicate' ? { received: true, duplicate: true } : { received: true });
    } catch (error) {
      return started
        ? fail(
            error,
            { status: 500, reason: 'handler_failed', ...about },
            `${hookName} failed, so this delivery was not accepted; FML will retry it.`,
          )
        : fail(
            error,
            { status: 503, reason: 'dedupe_store_failed', ...about },
            'The de-duplication store failed; FML will retry this delivery.',
          );
    }
  }
}

/** The verified body for `onInvalidEvent`: its JSON value when it parses, else its text. */
function rawValueOf(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Status and reason code for an error verifying or parsing a delivery. */
function rejectionOf(error: unknown): [number, string] {
  if (error instanceof WebhookVerificationError) {
    // No secret: our setup is wrong, not FML's delivery.
    if (error.reason === 'missing_secret') return [500, error.reason];
    return [400, error.reason];
  }
  return [500, 'internal_error'];
}

function logServerErrors(error: unknown, context: WebhookErrorContext): void {
  if (context.status < 500) return;
  const about = context.eventId ? ` for event ${context.eventId} (${context.event})` : '';
  console.error(`[@firstmilelabs/cases/webhooks] answered ${context.status} ${context.reason}${about}:`, error);
}

function checkOptions(options: WebhookHandlerOptions): WebhookHandlerOptions {
  if (typeof options?.onEvent !== 'function')
    throw new FmlConfigError(
      'The webhook handler needs onEvent(event): the function that processes each verified event.',
    );
  if (options.onInvalidEvent !== undefined && typeof options.onInvalidEvent !== 'function')
    throw new FmlConfigError('onInvalidEvent must be a function (raw, issues) => unknown.');
  if (secretList(options.secret).length === 0) {
    throw new FmlConfigError(
      "The webhook handler needs `secret`: the endpoint's signing secret from the FML console (is its environment variable unset?).",
    );
  }
  const max = options.maxBodyBytes;
  if (max !== undefined && !(Number.isInteger(max) && max > 0))
    throw new FmlConfigError(`maxBodyBytes must be a positive whole number of bytes; got ${String(max)}.`);
  checkMaxAgeSeconds(options.maxAgeSeconds);
  checkBodyTimeout(options.bodyTimeoutMs);
  return options;
}
