/**
 * Receiving FML webhooks in a Fetch-API runtime: Cloudflare Workers, Deno, Bun, Hono, Next.js route
 * handlers. The handler takes a `Request` and returns a `Response`; node:crypto is used when the
 * runtime has it, WebCrypto otherwise.
 *
 *   Cloudflare Workers / Bun:   export default { fetch: (request, env) => receiver(env.FML_WEBHOOK_SECRET)(request) }
 *   Next.js (app/api/fml/route.ts):  export const POST = receiver(process.env.FML_WEBHOOK_SECRET!);
 *   Hono:                        app.post('/webhooks/fml', (c) => receiver(secret)(c.req.raw));
 *
 * Try it on Node 20+ (it starts a local server and posts a signed test event to itself):
 *   npx esbuild examples/webhooks-fetch.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.cache/examples/webhooks-fetch.mjs
 *   node node_modules/.cache/examples/webhooks-fetch.mjs
 */
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
// In your code: from '@firstmilelabs/cases/webhooks' (this repository imports the source directly).
import { type WebhookEvent, createWebhookHandler, isEvent } from '../src/webhooks';

/** Keeps the CRM in step with FML. Here the "CRM" is a map; throw to make FML retry later. */
export function createCrmUpdater(crm: Map<string, string>) {
  return async (event: WebhookEvent): Promise<void> => {
    if (isEvent(event, 'case.status.changed') && event.crmRecordId) crm.set(event.crmRecordId, event.status);
  };
}

/** The route handler: verify, parse, de-duplicate, then update the CRM. */
export function receiver(secret: string, crm = new Map<string, string>()): (request: Request) => Promise<Response> {
  return createWebhookHandler({ secret, onEvent: createCrmUpdater(crm) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = 'whsec_local_demo_secret';
  const crm = new Map<string, string>();
  const handle = receiver(secret, crm);
  const body = JSON.stringify({
    event: 'case.status.changed',
    eventId: crypto.randomUUID(),
    eventVersion: 1,
    timestamp: new Date().toISOString(),
    orgId: 'org_demo',
    caseId: 'CS-2026-00471',
    crmRecordId: '12345678901',
    crmSource: 'hubspot',
    status: 'approved',
    previousStatus: 'in-progress',
  });
  // What FML sends: the HMAC-SHA256 of the exact body bytes, hex, in X-FML-Signature.
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const request = () =>
    new Request('http://localhost/webhooks/fml', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fml-signature': signature },
      body,
    });
  const first = await handle(request());
  const again = await handle(request());
  const forged = await handle(
    new Request('http://localhost/webhooks/fml', {
      method: 'POST',
      headers: { 'x-fml-signature': signature },
      body: body.replace('approved', 'declined'),
    }),
  );
  console.log('first delivery:', first.status, await first.text());
  console.log('redelivery:    ', again.status, await again.text());
  console.log('tampered body: ', forged.status, await forged.text());
  console.log('CRM now:', Object.fromEntries(crm));
}
