import { type RawBody, hashableBody, isRawBody, toBytes } from './bytes';
import { type WebhookHandlerOptions, createDeliveryProcessor } from './delivery';
import { type NodeBodyStream, bodyTooLarge, readRawBody } from './raw-body';

/** The parts of node's `IncomingMessage` (or Express's `req`) the Node receiver uses. */
export interface NodeWebhookRequest extends NodeBodyStream {
  method?: string | undefined;
  /** Set by Express body parsers: a Buffer with `express.raw()`, which is what the receiver wants. */
  body?: unknown;
  readableEnded?: boolean;
  socket?: { destroy(): unknown } | null;
}

/** The parts of node's `ServerResponse` (or Express's `res`) the Node receiver uses. */
export interface NodeWebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string, callback?: () => void): unknown;
  /** node's `ServerResponse` emits `close` when the connection goes, flushed or not. */
  once?(event: 'close', listener: () => void): unknown;
}

/**
 * A receiver for `node:http` and Express: `(req, res) => Promise<void>`, with the same answers as
 * `createWebhookHandler`. With Express, mount it behind `express.raw({ type: 'application/json' })`
 * (or no body parser at all); a body already parsed by `express.json()` cannot be verified.
 */
export function createNodeWebhookHandler(options: WebhookHandlerOptions): (req: NodeWebhookRequest, res: NodeWebhookResponse) => Promise<void> {
  const processDelivery = createDeliveryProcessor(options);
  return async function handleFmlWebhook(req, res) {
    const answer = await processDelivery({ method: req.method, headers: req.headers, readBody: (limit) => bodyOf(req, limit) });
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json');
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    // `end`'s callback never fires on a socket the sender already dropped; `close` always does.
    await new Promise<void>((resolve) => {
      res.once?.('close', resolve);
      res.end(JSON.stringify(answer.body), resolve);
    });
    // The rest of an oversized upload is not worth reading: once the 413 is flushed, drop the connection.
    if (answer.status === 413 && !req.readableEnded) req.socket?.destroy();
  };
}

/** The raw body: from Express's `req.body` when a raw or text parser ran, else read from the stream. */
async function bodyOf(req: NodeWebhookRequest, limit: number): Promise<RawBody> {
  const parsed = req.body;
  if (isRawBody(parsed)) {
    const size = typeof parsed === 'string' ? toBytes(parsed).byteLength : parsed.byteLength;
    if (size > limit) throw bodyTooLarge(limit);
    return parsed;
  }
  // A JSON parser consumed the stream: nothing raw is left. hashableBody throws the error that says how to mount the route.
  if (parsed !== undefined && (req.readableEnded || (req as { _body?: unknown })._body === true)) return hashableBody(parsed);
  return readRawBody(req, { limit });
}
