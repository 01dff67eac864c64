import { FmlConfigError, FmlConnectionError } from '../errors';
import { WebhookVerificationError } from './errors';
import { MAX_TIMER_MS } from '../internal/timers';
import { concatBytes, toBytes } from './bytes';

/** The default body limit: FML events are a few KB, so 1 MiB leaves room without inviting abuse. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * The default time a sender gets to deliver the whole body: FML and HubSpot send a few KB at once, so
 * 30 s is generous, yet a sender that stalls or trickles a byte a second cannot hold a connection longer.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/** The parts of node's `IncomingMessage` that reading a body needs (Express's `req` has them too). */
export interface NodeBodyStream {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Each chunk of the body as it arrives. */
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  /** The body ended, or the connection closed. */
  on(event: 'end' | 'close', listener: () => void): unknown;
  /** The stream failed. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops listening once the body is read (or refused). */
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  /** Stops reading an oversize body. */
  pause(): unknown;
  /** True once the stream has been read to its end (node sets it). */
  readableEnded?: boolean;
  /** True once the stream was destroyed, e.g. the sender hung up (node sets it). */
  destroyed?: boolean;
}

/** Options for {@link readRawBody}. */
export interface ReadRawBodyOptions {
  /** The most bytes read; past it, reading stops and the promise rejects with reason `body_too_large`. @default 1_048_576 */
  limit?: number;
  /**
   * The time, in ms from the start of reading, within which the whole body must have arrived; past it,
   * reading stops and the promise rejects with reason `body_timeout`. A total, not an idle timer, so a
   * sender trickling bytes is cut off too.
   * @default 30000
   */
  timeoutMs?: number;
}

/** The error for a body over the limit. */
export function bodyTooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_too_large',
    `The request body is over the ${limit}-byte limit (maxBodyBytes). FML events are a few KB; raise the limit if yours are legitimately bigger.`,
  );
}

/** The error for a body that did not arrive in time. */
export function bodyTimedOut(timeoutMs: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_timeout',
    `The request body did not arrive within ${timeoutMs} ms (bodyTimeoutMs): the sender stalled or sent it too slowly.`,
  );
}

/** Checks a body time limit option. Throws `FmlConfigError`. */
export function checkBodyTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_BODY_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
    throw new FmlConfigError(
      `bodyTimeoutMs must be a positive number of milliseconds (at most ${MAX_TIMER_MS}); got ${String(timeoutMs)}.`,
    );
  }
  return timeoutMs;
}

/** Rejects at once when the declared Content-Length is over the limit, before any byte is read. */
export function assertDeclaredLength(
  contentLength: string | readonly string[] | null | undefined,
  limit: number,
): void {
  const declared = Number(typeof contentLength === 'string' ? contentLength : undefined);
  if (declared > limit) throw bodyTooLarge(limit);
}

/**
 * Reads a node request's body as bytes, stopping (not draining) as soon as it passes `limit`, so a huge
 * upload is never buffered. For `node:http` and for Express routes without a body parser.
 */
export function readRawBody(req: NodeBodyStream, options: ReadRawBodyOptions = {}): Promise<Uint8Array> {
  const limit = options.limit ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = checkBodyTimeout(options.timeoutMs);
  return new Promise<Uint8Array>((resolve, reject) => {
    assertDeclaredLength(req.headers['content-length'], limit);
    // A stream someone already read (e.g. Koa's bodyparser) will never emit 'end' again: waiting would
    // hang the request until FML gives up, and FML would retry forever.
    if (req.readableEnded) {
      throw new WebhookVerificationError(
        'invalid_body',
        'The request body was already read by other middleware before the webhook handler. Mount the handler before body parsers, or pass the raw body (e.g. express.raw()).',
      );
    }
    // A sender that hung up before we started reading leaves a stream that never emits again.
    if (req.destroyed) throw new FmlConnectionError('The sender closed the connection before the body was read.');
    const chunks: Uint8Array[] = [];
    let total = 0;
    const onData = (chunk: Uint8Array | string): void => {
      const bytes = typeof chunk === 'string' ? toBytes(chunk) : chunk;
      total += bytes.byteLength;
      if (total > limit) return void finish(bodyTooLarge(limit));
      chunks.push(bytes);
    };
    const onEnd = (): void => finish(undefined, concatBytes(chunks, total));
    const onError = (error: Error): void =>
      finish(
        new FmlConnectionError('The sender broke off the request before its body was complete.', { cause: error }),
      );
    const onClose = (): void =>
      finish(new FmlConnectionError('The sender closed the connection before the body was complete.'));
    function finish(error: Error | undefined, body: Uint8Array = new Uint8Array(0)): void {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      if (error) {
        req.pause(); // stop pulling bytes off the socket; the caller answers and closes the connection
        reject(error);
      } else resolve(body);
    }
    // A total limit from the first moment: a sender that never starts, stalls or trickles is cut off alike.
    const timer = setTimeout(() => finish(bodyTimedOut(timeoutMs)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Reads a Fetch `Request`'s body as bytes, cancelling the stream as soon as it passes `limit`. */
export async function readRequestBody(request: Request, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<Uint8Array> {
  assertDeclaredLength(request.headers.get('content-length'), limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(chunks, total);
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
}
