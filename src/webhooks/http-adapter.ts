import { FmlConnectionError, FmlError } from '../errors';
import { WebhookVerificationError } from './errors';
import { hashableBody, isRawBody, toBytes } from './bytes';
import { bodyTooLarge, type NodeBodyStream, readRawBody, readRequestBody } from './raw-body';

// The one HTTP adapter of every endpoint the SDK serves — the FML webhook receiver and the HubSpot
// workflow action (executions and option fetches): a Fetch-API `(request) => Response` and a `node:http` /
// Express `(req, res)` around one endpoint function. The adapter reads the body (within the endpoint's
// size and time limits) and hands it on as bytes, whatever the framework gave — so its type is checked
// here, once — and writes the endpoint's answer as JSON.

/** The parts of node's `IncomingMessage` (or Express's `req`) a Node adapter uses. */
export interface NodeRequest extends NodeBodyStream {
  method?: string | undefined;
  url?: string | undefined;
  /** Set by Express body parsers: a Buffer with `express.raw()`, which is what the adapters want. */
  body?: unknown;
  readableEnded?: boolean;
  /** Destroyed after a 413 or 408 answer, so a sender that keeps sending cannot hold the connection. */
  socket?: {
    /** Closes the connection. */
    destroy(): unknown;
  } | null;
}

/** The parts of node's `ServerResponse` (or Express's `res`) a Node adapter uses. */
export interface NodeResponse {
  statusCode: number;
  /** Sets one answer header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the answer's JSON body; `callback` runs once it is flushed. */
  end(chunk: string, callback?: () => void): unknown;
  /** node's `ServerResponse` emits `close` when the connection goes, flushed or not. */
  once?(event: 'close', listener: () => void): unknown;
}

/** A request's headers as the adapters hand them over: Fetch's `Headers`, or node's header record. */
export type RequestHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request as an endpoint sees it, whatever the framework. */
export interface Incoming {
  method: string | undefined;
  /** The path and query as received, e.g. `/hubspot/action?fieldOptions=x`. */
  pathAndQuery: string;
  headers: RequestHeaders;
  /**
   * The body exactly as received, as bytes, within the endpoint's limits. Rejects with a
   * `WebhookVerificationError` (`body_too_large`, `body_timeout`, `invalid_body` for a body a JSON parser
   * already consumed) or an `FmlConnectionError` (the sender broke off); {@link unreadableBody} answers them.
   */
  body(): Promise<Uint8Array>;
}

/** An endpoint's answer, written as JSON: the one answer shape of every endpoint. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** An endpoint: a request in, an answer out. */
export type Endpoint = (incoming: Incoming) => Promise<JsonAnswer>;

/** The limits the adapter reads a body within. */
export interface BodyLimits {
  /** Past it, `body_too_large`, without reading the rest. */
  maxBodyBytes: number;
  /** Node only, from the start of reading: past it, `body_timeout`. (A Fetch platform sets its own.) */
  bodyTimeoutMs: number;
}

/** A JSON answer. */
export function jsonAnswer(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): JsonAnswer {
  return { status, body, headers };
}

/**
 * The answer to a body that could not be read: 413 / 408 (and the Node adapter then closes the
 * connection), 500 for a body a parser had already consumed (the route is mounted wrong, not the sender's
 * fault), 400 for one cut short. The message never holds the body.
 */
export function unreadableBody(error: unknown): JsonAnswer {
  const reason =
    error instanceof WebhookVerificationError
      ? error.reason
      : error instanceof FmlConnectionError
        ? 'incomplete_body'
        : 'internal_error';
  const status =
    reason === 'body_too_large' ? 413 : reason === 'body_timeout' ? 408 : reason === 'incomplete_body' ? 400 : 500;
  const message = error instanceof FmlError ? error.message : 'The request body could not be read.';
  return jsonAnswer(
    status,
    { error: reason, message },
    status === 413 || status === 408 ? { connection: 'close' } : {},
  );
}

/**
 * A POST's body, or the answer to give instead: 405 (with `Allow: POST`, saying `onlyPost`) for another
 * method, {@link unreadableBody}'s for a body that could not be read; `error` is what went wrong, for the
 * endpoint's own report.
 */
export async function postBody(
  incoming: Incoming,
  onlyPost: string,
): Promise<{ body: Uint8Array } | { answer: JsonAnswer; error: unknown }> {
  if (incoming.method?.toUpperCase() !== 'POST')
    return {
      answer: jsonAnswer(405, { error: 'method_not_allowed', message: onlyPost }, { allow: 'POST' }),
      error: undefined,
    };
  try {
    return { body: await incoming.body() };
  } catch (error) {
    return { answer: unreadableBody(error), error };
  }
}

/** The Fetch-API adapter: `(request) => Promise<Response>` (Hono, Next.js, Workers, Deno, Bun). */
export function fetchHandler(endpoint: Endpoint, limits: BodyLimits): (request: Request) => Promise<Response> {
  return async (request) => {
    const local = new URL(request.url);
    const answer = await endpoint({
      method: request.method,
      pathAndQuery: `${local.pathname}${local.search}`,
      headers: request.headers,
      body: () => readRequestBody(request, limits.maxBodyBytes),
    });
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };
}

/** The `node:http` / Express adapter: `(req, res) => Promise<void>`. */
export function nodeHandler(
  endpoint: Endpoint,
  limits: BodyLimits,
): (req: NodeRequest, res: NodeResponse) => Promise<void> {
  return async (req, res) => {
    const answer = await endpoint({
      method: req.method,
      pathAndQuery: req.url ?? '/',
      headers: req.headers,
      body: async () => nodeBody(req, limits),
    });
    await writeAnswer(req, res, answer);
  };
}

/**
 * A node request's body as bytes: what `express.raw()` (Buffer) or a text parser (string) left in
 * `req.body`, within the limit; else read from the stream. A body a JSON parser consumed cannot be
 * verified: that is an `invalid_body` saying how to mount the route.
 */
async function nodeBody(req: NodeRequest, limits: BodyLimits): Promise<Uint8Array> {
  const parsed = req.body;
  if (
    parsed === undefined ||
    (!isRawBody(parsed) && !req.readableEnded && (req as { _body?: unknown })._body !== true)
  ) {
    return readRawBody(req, { limit: limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs });
  }
  const bytes = toBytes(hashableBody(parsed));
  if (bytes.byteLength > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
  return bytes;
}

/** Writes `answer` and resolves once it is flushed or the connection is gone. */
async function writeAnswer(req: NodeRequest, res: NodeResponse, answer: JsonAnswer): Promise<void> {
  res.statusCode = answer.status;
  res.setHeader('content-type', 'application/json');
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  // `end`'s callback never fires on a socket the sender already dropped; `close` always does.
  await new Promise<void>((resolve) => {
    res.once?.('close', resolve);
    res.end(JSON.stringify(answer.body), resolve);
  });
  // The rest of an oversized (413) or stalled (408) upload is not worth waiting for: once the answer is
  // flushed, drop the connection, so a slow sender cannot keep holding it.
  if ((answer.status === 413 || answer.status === 408) && !req.readableEnded) req.socket?.destroy();
}
