import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, mint, postCase } from './helpers';

let dir: string;
let file: string;
let sb: Sandbox | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fml-sandbox-'));
  file = join(dir, 'state.json');
});
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('persistPath', () => {
  it('survives a restart: same credentials, tokens, cases, events, idempotency keys and endpoints', async () => {
    sb = await startSandbox({ persistPath: file });
    const { clientId, clientSecret, webhookSecret } = { clientId: sb.clientId, clientSecret: sb.clientSecret, webhookSecret: sb.webhookSecret };
    const token = await mint(sb);
    const created = await postCase(api(sb, token), { customerEmail: 'jane@acme.example', crmRecordId: '9' }, { 'idempotency-key': 'k-9' });
    const createdText = await created.text();
    const { caseId } = JSON.parse(createdText) as { caseId: string };
    sb.advanceCase(caseId, 'approved');
    sb.addWebhookEndpoint('http://127.0.0.1:9/hooks', { events: ['case.created'] });
    await sb.close();

    sb = await startSandbox({ persistPath: file });
    expect([sb.clientId, sb.clientSecret, sb.webhookSecret]).toEqual([clientId, clientSecret, webhookSecret]);
    const call = api(sb, token); // the token minted before the restart still works
    const got = await call(`/v1/cases/${caseId}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ caseId, status: 'approved' });
    const replay = await postCase(call, { customerEmail: 'jane@acme.example' }, { 'idempotency-key': 'k-9' });
    expect(replay.headers.get('idempotent-replay')).toBe('true');
    expect(await replay.text()).toBe(createdText);
    const dedupe = await postCase(call, { customerEmail: 'x@acme.example', crmRecordId: '9' });
    expect(dedupe.headers.get('idempotent-replay')).toBe('crm-record-id');
    expect(((await (await call('/v1/events?limit=200')).json()) as { data: unknown[] }).data).toHaveLength(6);
    expect(sb.webhookEndpoints).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9/hooks', events: ['case.created'] })]);
    expect(sb.cases).toHaveLength(1);
  });

  it('writes atomically (no temp files left behind) and keeps the file private (0600)', async () => {
    sb = await startSandbox({ persistPath: file });
    const call = api(sb, await mint(sb));
    for (let i = 0; i < 5; i++) await postCase(call, { customerEmail: `c${i}@acme.example` });
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lets explicit credentials override the persisted ones', async () => {
    sb = await startSandbox({ persistPath: file });
    await sb.close();
    sb = await startSandbox({ persistPath: file, clientId: 'pk_test_fixed', clientSecret: 'sk_test_fixed', webhookSecret: 'whsec_fixed' });
    expect([sb.clientId, sb.clientSecret, sb.webhookSecret]).toEqual(['pk_test_fixed', 'sk_test_fixed', 'whsec_fixed']);
    await sb.close();
    sb = await startSandbox({ persistPath: file });
    expect(sb.clientId).toBe('pk_test_fixed');
    expect((await mint(sb, { clientId: 'pk_test_fixed', clientSecret: 'sk_test_fixed' })).length).toBeGreaterThan(0);
  });

  it('keeps the persisted tenant, and refuses an explicit orgId that contradicts it', async () => {
    sb = await startSandbox({ persistPath: file, orgId: 'org_first' });
    await sb.close();
    sb = await startSandbox({ persistPath: file });
    expect(sb.orgId).toBe('org_first');
    await sb.close();
    sb = undefined;
    await expect(startSandbox({ persistPath: file, orgId: 'org_second' })).rejects.toThrow(/belongs to org_first/);
  });

  it('refuses a corrupt file with a clear error instead of overwriting it', async () => {
    writeFileSync(file, '{ not json');
    await expect(startSandbox({ persistPath: file })).rejects.toThrow(/not valid JSON/);
    writeFileSync(file, JSON.stringify({ version: 99 }));
    await expect(startSandbox({ persistPath: file })).rejects.toThrow(/not usable/);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ version: 99 }));
  });
});
