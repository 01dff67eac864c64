import { type WebhookHandlerOptions, createDeliveryProcessor } from './delivery';
import { fetchHandler } from './http-adapter';

/**
 * A receiver for Fetch-API frameworks (Hono, Next.js route handlers, Cloudflare Workers, Deno, Bun):
 * `(request) => Promise<Response>`. It reads the body up to `maxBodyBytes` (413 past it), verifies
 * `X-FML-Signature` (400), parses the event, skips redeliveries (200), and answers 200 once
 * `onEvent` resolves, or 500 when it throws so FML retries. A correctly signed event that fails
 * validation is answered 500 (FML redelivers it; it is never refused for good), unless
 * `onInvalidEvent` takes it. Non-POST requests get 405.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { process, limits } = createDeliveryProcessor(options);
  return fetchHandler(process, limits);
}
