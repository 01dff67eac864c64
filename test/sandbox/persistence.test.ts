import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
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
    const { clientId, clientSecret, webhookSecret } = {
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      webhookSecret: sb.webhookSecret,
    };
    const token = await mint(sb);
    const created = await postCase(
      api(sb, token),
      { customerEmail: 'jane@acme.example', crmRecordId: '9' },
      { 'idempotency-key': 'k-9' },
    );
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
    expect(sb.webhookEndpoints).toEqual([
      expect.objectContaining({ url: 'http://127.0.0.1:9/hooks', events: ['case.created'] }),
    ]);
    expect(sb.cases).toHaveLength(1);
  });

  it('appends each change to one private (0600) journal file, leaving no temp files behind', async () => {
    sb = await startSandbox({ persistPath: file });
    const call = api(sb, await mint(sb));
    await postCase(call, { customerEmail: 'first@acme.example' });
    const before = statSync(file);
    for (let i = 0; i < 5; i++) await postCase(call, { customerEmail: `c${i}@acme.example` });
    const after = statSync(file);
    // Appended to the same file (a rewrite would rename a new one over it), a few KB per create.
    expect(after.ino).toBe(before.ino);
    expect(after.size - before.size).toBeGreaterThan(0);
    expect((after.size - before.size) / 5).toBeLessThan(4096);
    expect(readdirSync(dir)).toEqual(['state.json']);
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ version: 2 });
    expect(lines.filter((l) => l.put === 'cases')).toHaveLength(6);
    expect(lines.filter((l) => l.event !== undefined)).toHaveLength(18);
    if (process.platform !== 'win32') expect(after.mode & 0o777).toBe(0o600);
    await sb.close();
    sb = undefined;
    expect(readdirSync(dir)).toEqual(['state.json']);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lets explicit credentials override the persisted ones', async () => {
    sb = await startSandbox({ persistPath: file });
    await sb.close();
    sb = await startSandbox({
      persistPath: file,
      clientId: 'pk_test_fixed',
      clientSecret: 'sk_test_fixed',
      webhookSecret: 'whsec_fixed',
    });
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

/** Every page of a list, followed by cursor. */
async function allPages(call: ReturnType<typeof api>, path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let cursor: string | null = null, guard = 0; guard < 1000; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: unknown[]; nextCursor: string | null; hasMore: boolean };
    out.push(...page.data);
    if (!page.hasMore) return out;
    cursor = page.nextCursor;
  }
  throw new Error('too many pages');
}

describe('persistPath journal', () => {
  it('keeps every change across restarts: advances, revocations, expired tokens, reset', async () => {
    sb = await startSandbox({ persistPath: file });
    const call = api(sb, await mint(sb));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        ((await (await postCase(call, { customerEmail: `c${i}@acme.example` })).json()) as { caseId: string }).caseId,
      );
    sb.advanceCase(ids[0]!, 'approved');
    sb.advanceCase(ids[1]!, 'collecting_documents');
    const other = sb.createClient({ orgId: 'org_other' });
    sb.revokeClient(other.clientId);
    await sb.close();

    sb = await startSandbox({ persistPath: file });
    expect(sb.cases.map((c) => [c.caseId, c.status, c.stage])).toEqual([
      [ids[0], 'approved', 'decision_made'],
      [ids[1], 'in-progress', 'collecting_documents'],
      [ids[2], 'in-progress', 'created'],
      [ids[3], 'in-progress', 'created'],
    ]);
    expect(
      await (
        await fetch(`${sb.url}/v1/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            grant_type: 'client_credentials',
            client_id: other.clientId,
            client_secret: other.clientSecret,
          }),
        })
      ).json(),
    ).toMatchObject({ error: 'invalid_client' });
    const token = await mint(sb);
    sb.expireTokens();
    sb.reset();
    await sb.close();

    sb = await startSandbox({ persistPath: file });
    expect(sb.cases).toEqual([]);
    expect(sb.events).toEqual([]);
    expect((await api(sb, token)('/v1/cases')).status).toBe(401);
  });

  it('gives the same pages for every list filter before and after a restart (indexes rebuilt from the file)', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const now = () => t;
    sb = await startSandbox({ persistPath: file, now, rateLimit: false });
    const call = api(sb, await mint(sb));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      t += 1000;
      ids.push(
        ((await (await postCase(call, { customerEmail: `c${i}@acme.example` })).json()) as { caseId: string }).caseId,
      );
    }
    const middle = new Date(t - 15_000).toISOString();
    for (let i = 0; i < 30; i += 3) {
      t += 1000;
      sb.advanceCase(ids[i]!, i % 2 ? 'declined' : 'approved');
    }
    const changedSince = new Date(t - 4_000).toISOString();
    const queries = [
      '/v1/cases?limit=7',
      '/v1/cases?limit=4&status=approved',
      '/v1/cases?limit=3&status=in-progress',
      `/v1/cases?limit=5&created_since=${middle}`,
      `/v1/cases?limit=2&updated_since=${changedSince}`,
      `/v1/cases?limit=2&status=declined&updated_since=${changedSince}`,
      '/v1/events?limit=9',
      '/v1/events?limit=4&type=case.decision.made',
      `/v1/events?limit=6&since=${middle}`,
    ];
    const before = await Promise.all(queries.map((q) => allPages(call, q)));
    // The pages hold what the filters select (checked against the whole lists).
    const everyCase = (await allPages(call, '/v1/cases?limit=100')) as {
      caseId: string;
      status: string;
      updatedAt: string;
      createdAt: string;
    }[];
    expect(everyCase.map((c) => c.caseId)).toEqual(ids);
    expect(before[1]).toEqual(everyCase.filter((c) => c.status === 'approved'));
    expect(before[2]).toEqual(everyCase.filter((c) => c.status === 'in-progress'));
    expect(before[3]).toEqual(everyCase.filter((c) => c.createdAt >= middle));
    expect(before[4]).toEqual(everyCase.filter((c) => c.updatedAt >= changedSince));
    expect(before[4]).toHaveLength(5); // the last five advances
    expect(before[5]).toEqual(everyCase.filter((c) => c.status === 'declined' && c.updatedAt >= changedSince));
    expect((before[7] as unknown[]).length).toBe(10);
    await sb.close();

    sb = await startSandbox({ persistPath: file, now, rateLimit: false });
    const again = api(sb, await mint(sb));
    expect(await Promise.all(queries.map((q) => allPages(again, q)))).toEqual(before);
  });

  it('loads a state of 100k cases, and pages through it', async () => {
    // Written the way the journal writes it; ~45 MB, beyond what one rewrite per create could keep up with.
    const header = JSON.stringify({
      version: 2,
      defaultClientId: 'pk_test_big',
      webhookSecret: 'whsec_big',
      signingKey: 'k'.repeat(43),
      seq: 0,
    });
    const client = JSON.stringify({
      put: 'clients',
      key: 'pk_test_big',
      value: {
        clientId: 'pk_test_big',
        clientSecret: 'sk_test_big',
        orgId: 'org_big',
        scopes: ['cases:write', 'read:cases', 'read:events'],
        revoked: false,
      },
    });
    const lines = [header, client];
    const at = '2026-01-01T00:00:00.000Z';
    for (let i = 1; i <= 100_000; i++) {
      const caseId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const data = {
        caseId,
        customerEmail: `c${i}@acme.example`,
        companyName: `Company ${i} Ltd`,
        entityType: null,
        crmRecordId: String(i),
        crmSource: 'hubspot',
        source: 'api',
        status: i % 10 ? 'in-progress' : 'approved',
        inviteSentAt: null,
        customerPortalUrl: `http://127.0.0.1:1/_sandbox/portal/${caseId}`,
        analystUrl: `http://127.0.0.1:1/_sandbox/analyst/${caseId}`,
        companyNumber: null,
        createdAt: at,
        updatedAt: at,
      };
      lines.push(
        JSON.stringify({ put: 'cases', key: caseId, value: { orgId: 'org_big', seq: i, stage: 'created', data } }),
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    sb = await startSandbox({ persistPath: file, rateLimit: false });
    const call = api(sb, await mint(sb));
    const first = (await (await call('/v1/cases?limit=100')).json()) as {
      data: { caseId: string }[];
      nextCursor: string;
    };
    expect(first.data).toHaveLength(100);
    expect(first.data[0]!.caseId).toMatch(/000000000001$/);
    const second = (await (await call(`/v1/cases?limit=100&cursor=${first.nextCursor}`)).json()) as {
      data: { caseId: string }[];
    };
    expect(second.data[0]!.caseId).toMatch(/000000000101$/);
    const approved = (await (await call('/v1/cases?limit=3&status=approved')).json()) as { data: { caseId: string }[] };
    expect(approved.data.map((c) => c.caseId.slice(-6))).toEqual(['000010', '000020', '000030']);
    expect((await call('/v1/cases/00000000-0000-4000-8000-000000099999')).status).toBe(200);
    const dedupe = await postCase(call, { customerEmail: 'x@acme.example', crmRecordId: '77777' });
    expect(dedupe.headers.get('idempotent-replay')).toBe('crm-record-id');
    const created = await postCase(call, { customerEmail: 'new@acme.example' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { caseId: string }).caseId).not.toMatch(/^00000000/);
  }, 120_000);

  it('reads the first file format (one JSON document), even with 130k events, and continues in the journal', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const events = Array.from({ length: 130_000 }, (_, i) => ({
      orgId: 'org_old',
      seq: i + 2,
      data: { eventId: `evt_${i}`, event: 'case.created', timestamp: at, caseId: 'c1' },
    }));
    const caseRec = {
      orgId: 'org_old',
      seq: 1,
      stage: 'created',
      data: {
        caseId: 'c1',
        customerEmail: 'a@acme.example',
        entityType: null,
        crmRecordId: '5',
        crmSource: null,
        source: 'api',
        status: 'in-progress',
        inviteSentAt: null,
        customerPortalUrl: '',
        analystUrl: '',
        companyNumber: null,
        createdAt: at,
        updatedAt: at,
      },
    };
    const client = {
      clientId: 'pk_test_old',
      clientSecret: 'sk_test_old',
      orgId: 'org_old',
      scopes: ['cases:write', 'read:cases', 'read:events'],
      revoked: false,
    };
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        defaultClientId: 'pk_test_old',
        webhookSecret: 'whsec_old',
        signingKey: 'k',
        seq: 130_001,
        clients: [client],
        tokens: [],
        cases: [caseRec],
        events,
        idempotency: [],
        endpoints: [],
      }),
    );
    sb = await startSandbox({ persistPath: file, rateLimit: false });
    expect([sb.clientId, sb.orgId, sb.webhookSecret]).toEqual(['pk_test_old', 'org_old', 'whsec_old']);
    const call = api(sb, await mint(sb));
    const page = (await (
      await call(`/v1/events?limit=2&cursor=${Buffer.from('sbx1:129999').toString('base64url')}`)
    ).json()) as { data: { eventId: string }[]; hasMore: boolean };
    expect(page).toMatchObject({ data: [{ eventId: 'evt_129998' }, { eventId: 'evt_129999' }], hasMore: false });
    expect(readFileSync(file, 'utf8').slice(0, 12)).toBe('{"version":2');
    const created = (await (await postCase(call, { customerEmail: 'b@acme.example' })).json()) as { caseId: string };
    await sb.close();
    sb = await startSandbox({ persistPath: file, rateLimit: false });
    expect(sb.cases.map((c) => c.caseId)).toEqual(['c1', created.caseId]);
    expect(((await (await fetch(`${sb.url}/_sandbox`)).json()) as { events: number }).events).toBe(130_003);
  }, 60_000);

  it('compacts the journal once it outgrows the state, so the file of a busy sandbox stays bounded', async () => {
    sb = await startSandbox({ persistPath: file, rateLimit: false });
    const call = api(sb, await mint(sb));
    const { caseId } = (await (await postCase(call, { customerEmail: 'a@acme.example' })).json()) as { caseId: string };
    let largest = 0;
    for (let i = 0; i < 6000; i++) {
      sb.advanceCase(caseId, i % 2 ? 'approved' : 'pending_senior');
      if (i % 500 === 0) largest = Math.max(largest, statSync(file).size);
    }
    // ~3 events a change, ~1.5 KB: 9 MB of journal without compaction; the state itself is 18k events.
    const events = sb.events.length;
    await sb.close();
    sb = await startSandbox({ persistPath: file, rateLimit: false });
    expect(sb.events).toHaveLength(events);
    expect(sb.cases[0]).toMatchObject({ caseId, status: 'approved' });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('{"put":"cases"'))).toHaveLength(1); // compacted: one line per record
    expect(largest).toBeLessThan(2 * statSync(file).size + 5 * 1024 * 1024);
  });

  it('drops a torn last line (a crash mid-append), but refuses a damaged line in the middle', async () => {
    sb = await startSandbox({ persistPath: file });
    const call = api(sb, await mint(sb));
    const { caseId } = (await (await postCase(call, { customerEmail: 'a@acme.example' })).json()) as { caseId: string };
    await sb.close();
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}{"put":"cases","key":"torn","val`);
    sb = await startSandbox({ persistPath: file });
    expect(sb.cases.map((c) => c.caseId)).toEqual([caseId]);
    await postCase(api(sb, await mint(sb)), { customerEmail: 'b@acme.example' });
    await sb.close();
    sb = await startSandbox({ persistPath: file });
    expect(sb.cases).toHaveLength(2);
    await sb.close();
    sb = undefined;

    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = '{"put":"cases","key":';
    writeFileSync(file, lines.join('\n'));
    await expect(startSandbox({ persistPath: file })).rejects.toThrow(
      /not usable \(line 3 is not a sandbox journal entry\)/,
    );
  });

  it('keeps every acknowledged create when the process is killed with SIGKILL', async () => {
    const worker = join(dir, 'persist-worker.cjs');
    await build({
      entryPoints: [join(__dirname, 'workers/persist-worker.ts')],
      outfile: worker,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    const child = fork(worker, [], {
      env: { ...process.env, FML_PERSIST_PATH: file },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      const creds = await new Promise<{ url: string; clientId: string; clientSecret: string }>((res, rej) => {
        child.once('message', (m) => res(m as { url: string; clientId: string; clientSecret: string }));
        child.once('exit', (code) => rej(new Error(`worker exited with ${code}`)));
      });
      const remote = {
        url: creds.url,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
      } as unknown as Sandbox;
      const call = api(remote, await mint(remote));
      const acknowledged: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await postCase(call, { customerEmail: `k${i}@acme.example` });
        if (res.status === 201) acknowledged.push(((await res.json()) as { caseId: string }).caseId);
      }
      expect(acknowledged).toHaveLength(20);
      const exited = new Promise((res) => child.once('exit', res));
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    sb = await startSandbox({ persistPath: file });
    expect(sb.cases).toHaveLength(20);
    expect(sb.events).toHaveLength(60);
  });
});
