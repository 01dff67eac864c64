import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createWorkflowActionHandler,
  SignatureVersionNotice,
  type WorkflowActionErrorContext,
} from '../../src/hubspot/workflow-action/index';
import { baseOptions, execution, executionRequest, runCleanups, sandbox, v2ExecutionRequest } from './fixtures';

// requireV3 stays off by default; the handler says which signature versions it saw, so an operator can
// tell whether turning it on would refuse anyone.

afterEach(async () => {
  vi.restoreAllMocks();
  await runCleanups();
});

describe('signature versions seen', () => {
  it('reports the first request of each portal on each version, and counts them all', async () => {
    const sb = await sandbox();
    const seen: { error: unknown; context: WorkflowActionErrorContext }[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        onError: (error, context) => context.reason === 'signature_version_seen' && seen.push({ error, context }),
      }),
    );
    expect((await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(200);
    expect((await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(200);
    expect((await handler(v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(
      200,
    );
    expect(
      (
        await handler(
          v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution({ origin: { portalId: 222 } })),
        )
      ).status,
    ).toBe(200);

    expect(seen.map((s) => [s.context.portalId, s.context.signatureVersion])).toEqual([
      ['111', 'v3'],
      ['111', 'v2'],
      ['222', 'v2'],
    ]);
    expect(seen[1]!.error).toBeInstanceOf(SignatureVersionNotice);
    expect((seen[1]!.error as Error).message).toBe(
      'Portal 111 signed a request with v2: it carried no v3 signature, so requireV3 would refuse it (v2 signs no timestamp and can be replayed).',
    );
    expect(handler.signatureVersionsSeen()).toEqual({ v1: 0, v2: 2, v3: 2 });
  });

  it('logs the notice as one console.info line by default, never as an error', async () => {
    const sb = await sandbox();
    const info: string[] = [];
    const errors: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => void info.push(String(line)));
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    const { onError: _quiet, ...options } = baseOptions(sb);
    const handler = createWorkflowActionHandler(options);
    await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    expect(info).toEqual([
      '[@firstmilelabs/cases/hubspot] Portal 111 signed a request with v3: requireV3 would accept it.',
    ]);
    expect(errors).toEqual([]);
  });

  it('requireV3 is off by default (v2-only requests are accepted), and a refused request is not counted', async () => {
    const sb = await sandbox();
    const strict = createWorkflowActionHandler(baseOptions(sb, { requireV3: true }));
    expect((await strict(v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(401);
    expect(strict.signatureVersionsSeen()).toEqual({ v1: 0, v2: 0, v3: 0 });
    const lenient = createWorkflowActionHandler(baseOptions(sb));
    expect((await lenient(v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(
      200,
    );
  });
});
