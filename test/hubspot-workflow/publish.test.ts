import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  publishWorkflowAction,
  runPublishWorkflowActionCli,
  workflowActionDefinition,
} from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation, type FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';

const DEV_KEY = 'dev-key-0b5e2f7c-91aa-4c1e-8f3d-5a6b7c8d9e0f';
const actionUrl = 'https://kyb.example.com/hubspot/action';

let hubspot: FakeHubSpotAutomation;
beforeEach(async () => {
  hubspot = await startFakeHubSpotAutomation({ appSecret: 'unused-here', developerApiKey: DEV_KEY, appId: '1234567' });
});
afterEach(async () => {
  await hubspot.close();
});

describe('publishWorkflowAction', () => {
  it('creates the definition with a developer key (hapikey), then updates the same one on the next run', async () => {
    const created = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
    });
    expect(created).toMatchObject({ created: true, published: false, revisionId: '1' });
    expect(hubspot.definitions).toHaveLength(1);
    expect(hubspot.definitions[0]).toMatchObject({ id: created.definitionId, actionUrl, objectTypes: ['COMPANY'] });
    expect(hubspot.requests.map((r) => `${r.method} ${r.auth} ${r.status}`)).toEqual([
      'GET hapikey 200',
      'POST hapikey 200',
    ]);

    const updated = await publishWorkflowAction({
      appId: '1234567',
      definition: workflowActionDefinition({ actionUrl, published: true }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
    });
    expect(updated).toMatchObject({
      created: false,
      published: true,
      definitionId: created.definitionId,
      revisionId: '2',
    });
    expect(hubspot.definitions).toHaveLength(1);
    const patch = hubspot.requests.at(-1)!;
    expect(patch).toMatchObject({
      method: 'PATCH',
      path: `/automation/actions/2026-03/1234567/${created.definitionId}`,
    });
    expect(patch.body).not.toHaveProperty('functions');
  });

  it('updates the given definitionId with a bearer token', async () => {
    const first = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
      matchExisting: false,
    });
    const second = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl: 'https://kyb2.example.com/a' }),
      accessToken: hubspot.accessToken,
      baseUrl: hubspot.url,
      definitionId: first.definitionId,
    });
    expect(second).toMatchObject({ created: false, definitionId: first.definitionId });
    expect(hubspot.definitions[0]!.actionUrl).toBe('https://kyb2.example.com/a');
    expect(hubspot.requests.at(-1)!.auth).toBe('bearer');
  });

  it('finds an existing definition beyond the first page', async () => {
    for (let i = 0; i < 101; i++)
      await publishWorkflowAction({
        appId: 1234567,
        definition: workflowActionDefinition({ actionUrl: `https://kyb.example.com/other/${i}` }),
        developerApiKey: DEV_KEY,
        baseUrl: hubspot.url,
        matchExisting: false,
      });
    const target = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
      matchExisting: false,
    });
    const again = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
    });
    expect(again).toMatchObject({ created: false, definitionId: target.definitionId });
    expect(hubspot.definitions).toHaveLength(102);
  });

  it('fails with a typed error that never shows the key', async () => {
    const wrong = `${DEV_KEY}-wrong`;
    const error = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: wrong,
      baseUrl: hubspot.url,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HubSpotApiError', status: 401, code: 'hubspot_unauthorized' });
    for (const text of [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
    ])
      expect(text).not.toContain(wrong);

    const unreachable = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: wrong,
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'connection_error' });
    expect(inspect(unreachable, { depth: 5 })).not.toContain(wrong);
  });

  it('checks its options before sending anything', async () => {
    const definition = workflowActionDefinition({ actionUrl });
    await expect(
      publishWorkflowAction({ appId: 'abc', definition, developerApiKey: DEV_KEY, baseUrl: hubspot.url }),
    ).rejects.toMatchObject({ code: 'configuration_error' });
    await expect(publishWorkflowAction({ appId: 1, definition, baseUrl: hubspot.url })).rejects.toMatchObject({
      code: 'configuration_error',
    });
    expect(hubspot.requests).toHaveLength(0);
  });
});

describe('publish command', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fml-publish-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[], env: Record<string, string | undefined>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPublishWorkflowActionCli(argv, {
      env,
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('publishes with the key from the environment, and applies a labels file', async () => {
    const labels = join(dir, 'labels.json');
    await writeFile(labels, JSON.stringify({ en: { actionName: 'Run KYB with FML' } }));
    const res = await run(
      ['--app-id', '1234567', `--action-url=${actionUrl}`, '--publish', '--labels', labels, '--base-url', hubspot.url],
      { HUBSPOT_DEVELOPER_API_KEY: DEV_KEY },
    );
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(res.out).toMatch(/^Created action definition \d+ in app 1234567 \(published\)\.$/);
    expect(hubspot.definitions[0]).toMatchObject({
      published: true,
      labels: { en: { actionName: 'Run KYB with FML' } },
    });

    const again = await run(['--action-url', actionUrl], {
      HUBSPOT_DEVELOPER_API_KEY: DEV_KEY,
      HUBSPOT_APP_ID: '1234567',
      HUBSPOT_API_BASE_URL: hubspot.url,
    });
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^Updated action definition .* \(unpublished\)\.$/);
  });

  it('prints the definition without sending anything on --dry-run', async () => {
    const res = await run(['--dry-run', '--action-url', actionUrl, '--languages', 'en,de'], {});
    expect(res.code).toBe(0);
    expect(Object.keys((JSON.parse(res.out) as { labels: object }).labels)).toEqual(['en', 'de']);
    expect(hubspot.requests).toHaveLength(0);
  });

  it('exits 2 with usage for bad input, 1 when HubSpot refuses, never echoing the key', async () => {
    expect((await run(['--bogus'], {})).code).toBe(2);
    expect((await run(['--app-id', '1'], {})).err).toMatch(/--action-url/);
    expect((await run(['--app-id', '1', '--action-url', actionUrl], {})).err).toMatch(/HUBSPOT_DEVELOPER_API_KEY/);
    expect(
      (
        await run(['--action-url', 'http://insecure.example.com/x', '--app-id', '1'], {
          HUBSPOT_DEVELOPER_API_KEY: DEV_KEY,
        })
      ).code,
    ).toBe(2);
    const refused = await run(['--app-id', '1234567', '--action-url', actionUrl, '--base-url', hubspot.url], {
      HUBSPOT_DEVELOPER_API_KEY: 'secret-wrong-key-123',
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/401/);
    expect(refused.err + refused.out).not.toContain('secret-wrong-key-123');
    expect((await run(['--help'], {})).out).toMatch(/Usage/);
  });
});
