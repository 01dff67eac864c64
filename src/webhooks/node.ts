import { type WebhookHandlerOptions, createDeliveryProcessor } from './delivery';
import { type NodeRequest, type NodeResponse, nodeHandler } from './http-adapter';

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
export function createNodeWebhookHandler(
  options: WebhookHandlerOptions,
): (req: NodeWebhookRequest, res: NodeWebhookResponse) => Promise<void> {
  const { process, limits } = createDeliveryProcessor(options);
  return nodeHandler(process, limits);
}
