import { type RawBody, hashableBody, isRawBody } from './bytes';
import { type WebhookHandlerOptions, createDeliveryProcessor } from './delivery';
import { type NodeRequest, type NodeResponse, rawBodyOf, writeAnswer } from './node-io';

/** The request shape the Node receiver reads (node's `IncomingMessage`, Express's `req`). */
export type NodeWebhookRequest = NodeRequest;

/** The response shape the Node receiver writes (node's `ServerResponse`, Express's `res`). */
export type NodeWebhookResponse = NodeResponse;

/**
 * A receiver for `node:http` and Express: `(req, res) => Promise<void>`, with the same answers as
 * `createWebhookHandler`. With Express, mount it with `app.all(path, handler)` before any body parser,
 * so it reads the raw body itself and its JSON 405/413 answers reach the sender (behind `express.raw()`
 * it still verifies, but Express answers oversized bodies itself); a body already parsed by
 * `express.json()` cannot be verified.
 */
export function createNodeWebhookHandler(options: WebhookHandlerOptions): (req: NodeWebhookRequest, res: NodeWebhookResponse) => Promise<void> {
  const processDelivery = createDeliveryProcessor(options);
  const timeoutMs = options.bodyTimeoutMs;
  return async function handleFmlWebhook(req, res) {
    const answer = await processDelivery({ method: req.method, headers: req.headers, readBody: (limit) => bodyOf(req, limit, timeoutMs) });
    await writeAnswer(req, res, answer);
  };
}

/** The raw body: from Express's `req.body` when a raw or text parser ran, else read from the stream. */
async function bodyOf(req: NodeWebhookRequest, limit: number, timeoutMs: number | undefined): Promise<RawBody> {
  const parsed = req.body;
  // A JSON parser consumed the stream: nothing raw is left. hashableBody throws the error that says how to mount the route.
  if (parsed !== undefined && !isRawBody(parsed) && (req.readableEnded || (req as { _body?: unknown })._body === true)) return hashableBody(parsed);
  return rawBodyOf(req, limit, timeoutMs);
}
