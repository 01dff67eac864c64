// The workflow action's `.node` adapter is the webhook receiver's (src/webhooks/http-adapter.ts): it takes
// the body Express's raw or text parser left in `req.body`, and refuses one `express.json()` consumed with
// the same 500 `invalid_body` and mount advice as the receiver, instead of a misleading 400. On a real
// node:http server, with the parsers' behaviour reproduced (consume the stream, set req.body and _body).
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflowActionHandler } from '../../src/hubspot/workflow-action/index';
import { createNodeWebhookHandler } from '../../src/webhooks/index';
import { likeExpressParser } from '../helpers/express-parser';
import { SECRET, samples, signed } from '../webhooks/fixtures';
import { baseOptions, execution, executionRequest, listen, runCleanups, sandbox } from './fixtures';
import { outputsOf } from './harness';

afterEach(runCleanups);

/** A signed execution sent to a real server at `url`, signed for the URL it is sent to. */
async function sendExecution(url: string): Promise<Response> {
  const request = executionRequest(`${url}/hubspot/action`, `${url}/hubspot/action`, execution());
  return fetch(request.url, { method: 'POST', headers: request.headers, body: await request.text() });
}

describe('the workflow action behind an Express body parser (.node)', () => {
  it.each(['raw', 'text'] as const)('verifies and answers from the body an Express %s parser read', async (kind) => {
    const sb = await sandbox();
    const app = await listen(() => undefined);
    const handler = createWorkflowActionHandler(baseOptions(sb, { publicUrl: app.url }));
    app.server.on('request', likeExpressParser(kind, (req, res) => void handler.node(req, res)) as never);
    const res = await sendExecution(app.url);
    expect(res.status).toBe(200);
    expect(outputsOf(await res.json()).hs_execution_state).toBe('SUCCESS');
    expect(sb.cases).toHaveLength(1);
  });

  it('answers a body express.json() consumed as the webhook receiver does: 500 invalid_body, with the fix', async () => {
    const sb = await sandbox();
    const action = await listen(() => undefined);
    const handler = createWorkflowActionHandler(baseOptions(sb, { publicUrl: action.url }));
    action.server.on('request', likeExpressParser('json', (req, res) => void handler.node(req, res)) as never);
    const receiver = createNodeWebhookHandler({ secret: SECRET, onEvent: () => undefined, onError: () => undefined });
    const hooks = await listen(likeExpressParser('json', (req, res) => void receiver(req, res)) as never);

    const fromAction = await sendExecution(action.url);
    const delivery = signed(samples['case.status.changed']);
    const fromReceiver = await fetch(hooks.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fml-signature': delivery.signature },
      body: delivery.body,
    });

    expect([fromAction.status, fromReceiver.status]).toEqual([500, 500]);
    const [a, r] = [
      (await fromAction.json()) as { error: string; message: string },
      (await fromReceiver.json()) as { error: string; message: string },
    ];
    expect(a).toEqual(r);
    expect(a.error).toBe('invalid_body');
    expect(a.message).toMatch(/express\.raw\(\{ type: "application\/json" \}\)/);
    expect(sb.cases).toHaveLength(0);
  });
});
