/**
 * Receiving FML webhooks with plain `node:http` (no framework).
 *
 * Run it (Node 20+; esbuild ships with the dev dependencies):
 *   npx esbuild examples/webhooks-node-http.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.cache/examples/webhooks-node-http.mjs
 *   FML_WEBHOOK_SECRET=whsec_... PORT=3000 node node_modules/.cache/examples/webhooks-node-http.mjs
 * then register http(s)://<your host>:3000/webhooks/fml as an endpoint in the FML console.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
// In your code: from '@firstmilelabs/cases/webhooks' (this repository imports the source directly).
import { type WebhookEvent, createNodeWebhookHandler, isKnownEvent } from '../src/webhooks';

/** What the example does with each event: here, one log line. Replace it with your CRM update. */
export function describeEvent(event: WebhookEvent): string {
  if (!isKnownEvent(event)) return `${event.event} for case ${event.caseId} (an event newer than this SDK; skipped)`;
  switch (event.event) {
    case 'case.status.changed':
      return `case ${event.caseId} (CRM record ${event.crmRecordId ?? 'none'}) moved ${event.previousStatus ?? 'nowhere'} → ${event.status}`;
    case 'case.decision.made':
      return `case ${event.caseId} decided: ${event.decision ?? event.status ?? 'see FML'}`;
    case 'screening.completed':
      return `case ${event.caseId} screened ${event.screened} subject(s): ${event.summary.map((s) => `${s.name} ${s.status}`).join(', ')}`;
    case 'case.data_package.delivered':
      // Special-category personal data: act on it, never log its content.
      return `case ${event.caseId} data package delivered`;
    default:
      return `${event.event} for case ${event.caseId}`;
  }
}

/** An HTTP server that accepts FML deliveries on POST /webhooks/fml. */
export function createReceiver(secret: string | string[], onLine: (line: string) => void = console.log): Server {
  const handleWebhook = createNodeWebhookHandler({
    secret,
    onEvent: async (event) => onLine(describeEvent(event)),
  });
  return createServer((req, res) => {
    if (req.url === '/webhooks/fml') return void handleWebhook(req, res);
    res.statusCode = 404;
    res.end();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.FML_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set FML_WEBHOOK_SECRET to the endpoint signing secret from the FML console.');
  const server = createReceiver(secret);
  server.listen(Number(process.env.PORT ?? 3000), () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Listening for FML webhooks on http://localhost:${port}/webhooks/fml`);
  });
}
