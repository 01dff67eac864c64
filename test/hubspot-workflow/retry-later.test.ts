import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryCallbackStore,
  createWorkflowActionHandler,
  type CallbackStore,
} from '../../src/hubspot/workflow-action/index';
import { baseOptions, execution, executionRequest, runCleanups, sandbox } from './fixtures';
import { goodInputs } from './harness';

// Every "try again later" answer is a 429 with Retry-After (HubSpot retries a 429 under both readings
// of its docs); the seconds are configurable per reason; permanent problems stay FAIL_CONTINUE.

afterEach(async () => {
  vi.restoreAllMocks();
  await runCleanups();
});

const send = (handler: ReturnType<typeof createWorkflowActionHandler>, body = execution()) =>
  handler(executionRequest('http://x/a', 'https://kyb.example.com/a', body));

describe('429 "retry later" answers', () => {
  it('the store failing to read answers 429 store_unavailable with the configured Retry-After', async () => {
    const sb = await sandbox();
    const broken: CallbackStore = {
      ...createMemoryCallbackStore(),
      get: async () => Promise.reject(new Error('redis gone')),
    };
    const handler = createWorkflowActionHandler(
      baseOptions(sb, { store: broken, retryAfterSeconds: { store_unavailable: 7 } }),
    );
    const res = await send(handler);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await res.json()).toMatchObject({ error: 'store_unavailable' });
    expect(sb.cases).toHaveLength(0);
  });

  it('FML down answers 429 fml_unavailable; one number sets every reason', async () => {
    const sb = await sandbox();
    sb.faults.serverError(502, { path: '/v1/cases', times: 'always' });
    const handler = createWorkflowActionHandler(baseOptions(sb, { retryAfterSeconds: 42 }));
    const res = await send(handler);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '42']);
    expect(await res.json()).toMatchObject({ error: 'fml_unavailable' });
  });

  it('no FML client for the portal answers 429 configuration_error (the operator fixes it; nothing is lost)', async () => {
    const handler = createWorkflowActionHandler(
      baseOptions(
        { clientId: 'a', clientSecret: 'b', url: 'http://127.0.0.1:9' },
        { fml: () => Promise.reject(new Error('no tenant for portal 111')) },
      ),
    );
    const res = await send(handler);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '300']);
    expect(await res.json()).toMatchObject({ error: 'configuration_error' });
  });

  it('permanent problems keep FAIL_CONTINUE with the reason (200, no Retry-After)', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const res = await send(handler, execution({ inputFields: goodInputs({ contactEmail: 'not-an-email' }) }));
    expect([res.status, res.headers.get('retry-after')]).toEqual([200, null]);
    expect((await res.json()).outputFields).toMatchObject({
      hs_execution_state: 'FAIL_CONTINUE',
      errorCode: 'validation_error',
    });
  });

  it('the default onError logs every 429 answer (they need a look), with ids only', async () => {
    const sb = await sandbox();
    sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    const { onError: _quiet, ...options } = baseOptions(sb);
    const res = await send(createWorkflowActionHandler(options));
    expect(res.status).toBe(429);
    expect(lines.some((l) => /workflow action fml_unavailable \(callback ap-[^,]+, portal 111\)/.test(l))).toBe(true);
  });

  it('refuses bad Retry-After settings at start-up', async () => {
    const sb = await sandbox();
    for (const bad of [0, 1.5, -1, 86_401, { nope: 5 }, { fml_unavailable: 0 }, 'soon']) {
      expect(() => createWorkflowActionHandler(baseOptions(sb, { retryAfterSeconds: bad as never }))).toThrow(
        expect.objectContaining({ code: 'configuration_error' }),
      );
    }
  });
});
