import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSender, hubSpotSender } from '../../src/hubspot/crm/http';
import {
  automationSender,
  publishWorkflowAction,
  workflowActionDefinition,
} from '../../src/hubspot/workflow-action/index';
import { listen, runCleanups } from './fixtures';

afterEach(runCleanups);

// One HubSpot sender serves the CRM write-back and the automation API; these pin what they share and
// where they differ (which requests are retried, what a 403 says).

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A scripted HubSpot: answers each request with the next reply for its method (the last one repeats). */
async function scripted(replies: Partial<Record<string, Reply[]>>): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const { url } = await listen((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const method = req.method ?? 'GET';
      seen.push(`${method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
      const list = replies[method] ?? [{ status: 404, body: { message: 'no route' } }];
      const reply = list.length > 1 ? list.shift()! : list[0]!;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  return { url, seen };
}

const unavailable: Reply = { status: 503, body: { status: 'error', category: 'INTERNAL_ERROR', message: 'try later' } };

describe('the shared HubSpot sender', () => {
  it('does not resend a POST that creates something after a 5xx (it may have been created), but retries reads', async () => {
    const hubspot = await scripted({ GET: [unavailable, { status: 200, body: { results: [] } }], POST: [unavailable] });
    const error = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl: 'https://kyb.example.com/a' }),
      developerApiKey: 'dev-key',
      baseUrl: hubspot.url,
      retryBaseDelayMs: 1,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'hubspot_server_error' });
    expect(hubspot.seen).toEqual([
      'GET /automation/actions/2026-03/1234567',
      'GET /automation/actions/2026-03/1234567',
      'POST /automation/actions/2026-03/1234567',
    ]);
  });

  it('retries a POST after a 429 — HubSpot refused it unprocessed — honouring Retry-After', async () => {
    const hubspot = await scripted({
      POST: [
        {
          status: 429,
          body: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
          headers: { 'retry-after': '0' },
        },
        { status: 200, body: { id: '77', revisionId: '1' } },
      ],
    });
    const result = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl: 'https://kyb.example.com/a' }),
      developerApiKey: 'dev-key',
      baseUrl: hubspot.url,
      matchExisting: false,
    });
    expect(result).toMatchObject({ created: true, definitionId: '77' });
    expect(hubspot.seen).toEqual([
      'POST /automation/actions/2026-03/1234567',
      'POST /automation/actions/2026-03/1234567',
    ]);
  });

  it('retries a POST the caller marks idempotent (callback completion) after a 5xx', async () => {
    const hubspot = await scripted({ POST: [unavailable, { status: 204 }] });
    const send = automationSender({ accessToken: 'tok' }, { baseUrl: hubspot.url, retryBaseDelayMs: 1 });
    await send(
      'POST',
      '/automation/v4/actions/callbacks/cb-1/complete',
      { outputFields: {} },
      'complete callback cb-1',
      { idempotent: true },
    );
    expect(hubspot.seen).toHaveLength(2);
  });

  it('says which scope a 403 is about: automation for callbacks, CRM scopes for Companies', async () => {
    const forbidden: Reply = {
      status: 403,
      body: {
        status: 'error',
        category: 'MISSING_SCOPES',
        message: "This app hasn't been granted all required scopes to make this call.",
      },
    };
    const hubspot = await scripted({ POST: [forbidden], PATCH: [forbidden], GET: [forbidden] });
    const callbacks = await automationSender({ accessToken: 'tok' }, { baseUrl: hubspot.url })(
      'POST',
      '/automation/v4/actions/callbacks/complete',
      { inputs: [] },
      'complete 1 callbacks',
    ).catch((e: unknown) => e);
    expect((callbacks as Error).message).toMatch(/automation scope/);
    expect((callbacks as Error).message).not.toMatch(/crm\./);
    const crm = hubSpotSender({ accessToken: 'tok', baseUrl: hubspot.url });
    const patch = await crm('PATCH', '/crm/v3/objects/companies/1', { properties: {} }, 'PATCH company 1').catch(
      (e: unknown) => e,
    );
    expect((patch as Error).message).toMatch(/crm\.objects\.companies\.write/);
    const read = await crm('GET', '/crm/v3/objects/companies/1', undefined, 'GET company 1').catch((e: unknown) => e);
    expect((read as Error).message).toMatch(/crm\.objects\.companies\.read/);
    const property = await crm('POST', '/crm/v3/properties/companies', {}, 'create Company property x').catch(
      (e: unknown) => e,
    );
    expect((property as Error).message).toMatch(/crm\.schemas\.companies\.write/);
    expect(patch).toMatchObject({ status: 403, code: 'hubspot_forbidden', category: 'MISSING_SCOPES' });
  });

  it('ends a call at deadlineMs, waits and attempts included', async () => {
    const hung = await listen(() => undefined);
    const send = createHubSpotSender({ accessToken: 'tok' }, { baseUrl: hung.url, timeoutMs: 60_000, deadlineMs: 100 });
    await expect(send('GET', '/crm/v3/objects/companies/1', undefined, 'GET company 1')).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('rejects a deadlineMs of 0 (or less) as a configuration error, before anything is sent', async () => {
    const { FmlConfigError } = await import('../../src/errors');
    for (const deadlineMs of [0, -1, Number.NaN]) {
      expect(() => createHubSpotSender({ accessToken: 'tok' }, { baseUrl: 'http://127.0.0.1:9', deadlineMs })).toThrow(
        FmlConfigError,
      );
    }
    expect(() =>
      createHubSpotSender({ accessToken: 'tok' }, { baseUrl: 'http://127.0.0.1:9', deadlineMs: 1 }),
    ).not.toThrow();
  });

  it('never puts a developer key in an error, even for a failed connection', async () => {
    const send = createHubSpotSender(
      { developerApiKey: 'dev-key-secret-123' },
      { baseUrl: 'http://127.0.0.1:9', maxRetries: 0 },
    );
    const error = await send('GET', '/automation/v4/actions/1', undefined, 'list').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'connection_error' });
    expect(
      JSON.stringify(error) + String((error as Error).stack) + String((error as Error & { cause?: unknown }).cause),
    ).not.toContain('dev-key-secret-123');
  });
});
