import { type WebhookHandlerOptions, createDeliveryProcessor } from './delivery';
import { readRequestBody } from './raw-body';

/**
 * A receiver for Fetch-API frameworks (Hono, Next.js route handlers, Cloudflare Workers, Deno, Bun):
 * `(request) => Promise<Response>`. It reads the body up to `maxBodyBytes` (413 past it), verifies
 * `X-FML-Signature` (400), parses the event, skips redeliveries (200), and answers 200 once
 * `onEvent` resolves, or 500 when it throws so FML retries. A correctly signed event that fails
 * validation is answered 500 (FML redelivers it; it is never refused for good), unless
 * `onInvalidEvent` takes it. Non-POST requests get 405.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const processDelivery = createDeliveryProcessor(options);
  return async function handleFmlWebhook(request: Request): Promise<Response> {
    const answer = await processDelivery({ method: request.method, headers: request.headers, readBody: (limit) => readRequestBody(request, limit) });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  };
}
