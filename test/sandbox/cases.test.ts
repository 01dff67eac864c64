import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, manualClock, mint, postCase } from './helpers';

let sb: Sandbox;
let call: ReturnType<typeof api>;

const hubspotCase = {
  customerEmail: 'jane.doe@acme.example',
  customerName: 'Jane Doe',
  companyName: 'Acme Holdings Ltd',
  country: 'United Kingdom',
  crmRecordId: '12345678901',
  crmSource: 'hubspot',
  sendInvite: true,
};

beforeEach(async () => {
  sb = await startSandbox();
  call = api(sb, await mint(sb));
});
afterEach(() => sb.close());

describe('POST /v1/cases', () => {
  it('creates a case (201) echoing the request, in progress, with an invite time and links', async () => {
    const res = await postCase(call, hubspotCase);
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replay')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await res.json()) as Record<string, unknown>;
    const { sendInvite: _sent, ...echoed } = hubspotCase;
    expect(body).toMatchObject({ ...echoed, source: 'api', status: 'in-progress', entityType: null });
    expect(body).not.toHaveProperty('sendInvite');
    expect(body.caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(body.inviteSentAt))).not.toBeNaN();
    expect(String(body.customerPortalUrl)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(sb.cases.map((c) => c.caseId)).toEqual([body.caseId]);
  });

  it('leaves inviteSentAt null without sendInvite, and omits optional strings that were not sent', async () => {
    const body = (await (await postCase(call, { customerEmail: 'a@b.example' })).json()) as Record<string, unknown>;
    expect(body.inviteSentAt).toBeNull();
    expect(body).not.toHaveProperty('customerName');
    expect(body.crmRecordId).toBeNull();
  });

  it('answers 400 validation_error listing every bad field, and creates nothing', async () => {
    const res = await postCase(call, { customerName: 42, sendInvite: 'yes', crmRecordId: 7 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; fields: { field: string; message: string }[] };
    expect(body.error).toBe('validation_error');
    expect(body.fields.map((f) => f.field).sort()).toEqual([
      'crmRecordId',
      'customerEmail',
      'customerName',
      'sendInvite',
    ]);
    expect(body.fields.every((f) => f.message.length > 0)).toBe(true);

    const malformed = await postCase(call, { customerEmail: 'not-an-email' });
    expect(((await malformed.json()) as typeof body).fields).toEqual([
      { field: 'customerEmail', message: 'must be a valid email address' },
    ]);

    const notJson = await call('/v1/cases', {
      method: 'POST',
      body: '{"customerEmail":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as typeof body).fields[0]!.field).toBe('body');
    expect(sb.cases).toHaveLength(0);
  });

  it('ignores unknown fields, and a __proto__ key pollutes nothing', async () => {
    const res = await call('/v1/cases', {
      method: 'POST',
      body: '{"customerEmail":"a@b.example","__proto__":{"polluted":true},"futureField":1}',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('futureField');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(sb.cases[0])).toBe(Object.prototype);
  });

  it('replays an Idempotency-Key with the original status and body byte for byte, and Idempotent-Replay: true', async () => {
    const first = await postCase(call, hubspotCase, { 'idempotency-key': 'hubspot-12345678901' });
    const firstText = await first.text();
    sb.advanceCase(JSON.parse(firstText).caseId, 'approved'); // the case changes; the replay must not
    const again = await postCase(
      call,
      { ...hubspotCase, customerName: 'Someone Else' },
      { 'idempotency-key': 'hubspot-12345678901' },
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(await again.text()).toBe(firstText);
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(sb.cases).toHaveLength(1);
  });

  it('does not store failed attempts under the key: a corrected retry with the same key succeeds', async () => {
    const bad = await postCase(call, { customerEmail: 'nope' }, { 'idempotency-key': 'k-1' });
    expect(bad.status).toBe(400);
    const good = await postCase(call, { customerEmail: 'ok@acme.example' }, { 'idempotency-key': 'k-1' });
    expect(good.status).toBe(201);
    expect(good.headers.get('idempotent-replay')).toBeNull();
  });

  it('with replayErrors, stores the 400 too: the key replays it verbatim even for corrected data, and a new key works', async () => {
    const strict = await startSandbox({ replayErrors: true });
    try {
      const strictCall = api(strict, await mint(strict));
      const bad = await postCase(strictCall, { customerEmail: 'nope' }, { 'idempotency-key': 'k-1' });
      const badText = await bad.text();
      expect(bad.status).toBe(400);
      expect(bad.headers.get('idempotent-replay')).toBeNull();
      const retried = await postCase(strictCall, { customerEmail: 'ok@acme.example' }, { 'idempotency-key': 'k-1' });
      expect(retried.status).toBe(400);
      expect(retried.headers.get('idempotent-replay')).toBe('true');
      expect(await retried.text()).toBe(badText);
      expect(strict.cases).toHaveLength(0);
      const fresh = await postCase(strictCall, { customerEmail: 'ok@acme.example' }, { 'idempotency-key': 'k-1-v2' });
      expect(fresh.status).toBe(201);
      // Without a key there is nothing to store: a bad body is simply refused each time.
      expect((await postCase(strictCall, { customerEmail: 'nope' })).headers.get('idempotent-replay')).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('answers 409 idempotency_key_conflict when a key used on another endpoint comes to create', async () => {
    expect((await call('/v1/cases', { headers: { 'idempotency-key': 'shared-key' } })).status).toBe(200);
    const res = await postCase(call, hubspotCase, { 'idempotency-key': 'shared-key' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'idempotency_key_conflict' });
    expect(sb.cases).toHaveLength(0);
    // ...and the other way round.
    await postCase(call, hubspotCase, { 'idempotency-key': 'create-key' });
    expect((await call('/v1/events', { headers: { 'idempotency-key': 'create-key' } })).status).toBe(409);
  });

  it('rejects an Idempotency-Key longer than 255 characters (400, nothing created)', async () => {
    const res = await postCase(call, hubspotCase, { 'idempotency-key': 'k'.repeat(256) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('Idempotency-Key');
    expect(sb.cases).toHaveLength(0);
  });

  it('returns the existing case (200, Idempotent-Replay: crm-record-id) for a second create with the same crmRecordId', async () => {
    const first = (await (await postCase(call, hubspotCase)).json()) as { caseId: string };
    const second = await postCase(
      call,
      { ...hubspotCase, customerEmail: 'other@acme.example' },
      { 'idempotency-key': 'fresh-key' },
    );
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replay')).toBe('crm-record-id');
    expect((await second.json()) as { caseId: string; customerEmail: string }).toMatchObject({
      caseId: first.caseId,
      customerEmail: hubspotCase.customerEmail,
    });
    expect(sb.cases).toHaveLength(1);
    // The key now replays that 200 as it was sent.
    const replay = await postCase(call, hubspotCase, { 'idempotency-key': 'fresh-key' });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replay')).toBe('true');
  });

  it('keeps tenants apart: ids 404 across tenants, and both idempotency layers are per tenant', async () => {
    const other = sb.createClient({ orgId: 'org_other' });
    const otherCall = api(sb, await mint(sb, other));
    const mine = (await (await postCase(call, hubspotCase, { 'idempotency-key': 'same-key' })).json()) as {
      caseId: string;
    };

    const theirs = await postCase(otherCall, hubspotCase, { 'idempotency-key': 'same-key' });
    expect(theirs.status).toBe(201); // same key and crmRecordId, other tenant: a new case
    const theirCase = (await theirs.json()) as { caseId: string };
    expect(theirCase.caseId).not.toBe(mine.caseId);

    const cross = await otherCall(`/v1/cases/${mine.caseId}`);
    expect(cross.status).toBe(404);
    expect(await cross.json()).toMatchObject({ error: 'not_found' });
    const list = (await (await otherCall('/v1/cases')).json()) as { data: { caseId: string }[] };
    expect(list.data.map((c) => c.caseId)).toEqual([theirCase.caseId]);
  });
});

describe('GET /v1/cases/{caseId}', () => {
  it('returns the case, and 404 not_found for an unknown id', async () => {
    const created = (await (await postCase(call, hubspotCase)).json()) as { caseId: string };
    const res = await call(`/v1/cases/${created.caseId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ caseId: created.caseId, companyName: 'Acme Holdings Ltd' });
    const missing = await call('/v1/cases/CS-2026-00471');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('GET /v1/cases', () => {
  it('pages through every case exactly once with opaque cursors', async () => {
    for (let i = 0; i < 7; i++) await postCase(call, { customerEmail: `c${i}@acme.example`, crmRecordId: `r${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = (await (await call(`/v1/cases${qs}`)).json()) as {
        data: { crmRecordId: string }[];
        nextCursor: string | null;
        hasMore: boolean;
      };
      expect(page.data.length).toBeLessThanOrEqual(3);
      expect(page.hasMore).toBe(page.nextCursor !== null);
      seen.push(...page.data.map((c) => c.crmRecordId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('defaults to 50 per page and refuses limit outside 1–200 or a foreign cursor (400)', async () => {
    for (let i = 0; i < 51; i++) await postCase(call, { customerEmail: `c${i}@acme.example` });
    const page = (await (await call('/v1/cases')).json()) as { data: unknown[]; hasMore: boolean };
    expect(page.data).toHaveLength(50);
    expect(page.hasMore).toBe(true);
    expect(((await (await call('/v1/cases?limit=200')).json()) as { data: unknown[] }).data).toHaveLength(51);
    for (const q of ['limit=201', 'limit=0', 'limit=ten', 'cursor=not-ours', 'updated_since=yesterday']) {
      const res = await call(`/v1/cases?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('validation_error');
    }
  });

  it('filters by status, updated_since and created_since', async () => {
    const clock = manualClock();
    await sb.close();
    sb = await startSandbox({ now: clock.now });
    call = api(sb, await mint(sb));
    const a = (await (await postCase(call, { customerEmail: 'a@acme.example' })).json()) as { caseId: string };
    clock.advance(60_000);
    const b = (await (await postCase(call, { customerEmail: 'b@acme.example' })).json()) as { caseId: string };
    clock.advance(60_000);
    sb.advanceCase(a.caseId, 'approved');
    const ids = async (q: string) =>
      ((await (await call(`/v1/cases?${q}`)).json()) as { data: { caseId: string }[] }).data.map((c) => c.caseId);

    expect(await ids('status=approved')).toEqual([a.caseId]);
    expect(await ids('status=in-progress')).toEqual([b.caseId]);
    expect(await ids(`created_since=${encodeURIComponent('2026-05-15T09:00:30Z')}`)).toEqual([b.caseId]);
    expect(await ids(`updated_since=${encodeURIComponent('2026-05-15T09:01:30Z')}`)).toEqual([a.caseId]);
    expect(await ids(`updated_since=${encodeURIComponent('2026-05-15T09:00:00Z')}`)).toEqual([a.caseId, b.caseId]);
  });
});
