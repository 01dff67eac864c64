// The "In vitest or jest" example of docs/sandbox-and-testing.md, verbatim but for the import paths: if this fails, so does the guide.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FmlClient } from '../../src/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { createNodeWebhookHandler, isEvent, type WebhookEvent } from '../../src/webhooks/index';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
}); // 127.0.0.1, a free port
afterAll(() => sb.close());

it('sees FML approve the case, as a signed webhook', async () => {
  // Your receiver, on a free loopback port (FML itself refuses loopback; the sandbox allows it).
  const received: WebhookEvent[] = [];
  const receiver = createServer(
    createNodeWebhookHandler({ secret: sb.webhookSecret, onEvent: (event) => void received.push(event) }),
  );
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sb.addWebhookEndpoint(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/fml`);

  const fml = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url });
  const { case: kase } = await fml.cases.create(
    { customerEmail: 'jane@acme.example', crmRecordId: '123', crmSource: 'hubspot', sendInvite: true },
    { idempotencyKey: 'hubspot-123' },
  );
  sb.advanceCase(kase.caseId, 'approved'); // case.status.changed + case.decision.made + onboarding_progress
  await sb.waitForDeliveries(); // every delivery got a 2xx or ran out of retries
  receiver.close();

  expect(sb.deliveries.every((d) => d.state === 'delivered')).toBe(true);
  const decision = received.find((event) => isEvent(event, 'case.decision.made'));
  expect(decision).toMatchObject({ caseId: kase.caseId, crmRecordId: '123', decision: 'approve' });
});
