import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, manualClock, mint, postCase } from './helpers';

type EventPage = { data: Record<string, unknown>[]; nextCursor: string | null; hasMore: boolean };

let sb: Sandbox;
let call: ReturnType<typeof api>;
const clock = manualClock();

beforeEach(async () => {
  sb = await startSandbox({ now: clock.now });
  call = api(sb, await mint(sb));
});
afterEach(() => sb.close());

const page = async (q = ''): Promise<EventPage> => (await (await call(`/v1/events${q}`)).json()) as EventPage;

describe('GET /v1/events', () => {
  it('lists the flat events a create emits, oldest first, with the common fields', async () => {
    const created = (await (
      await postCase(call, {
        customerEmail: 'jane@acme.example',
        companyName: 'Acme',
        crmRecordId: '42',
        crmSource: 'hubspot',
        sendInvite: true,
      })
    ).json()) as { caseId: string };
    const { data } = await page();
    expect(data.map((e) => e.event)).toEqual([
      'case.created',
      'case.status.changed',
      'case.onboarding_progress.changed',
    ]);
    for (const e of data) {
      expect(e).toMatchObject({
        eventVersion: 1,
        orgId: sb.orgId,
        caseId: created.caseId,
        crmRecordId: '42',
        crmSource: 'hubspot',
        companyName: 'Acme',
      });
      expect(e.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // One change's events get distinct, increasing times (1 ms apart), starting at the change's time.
    expect(data.map((e) => Date.parse(String(e.timestamp)))).toEqual([clock.now(), clock.now() + 1, clock.now() + 2]);
    expect(data[0]).toMatchObject({ source: 'api', customerEmail: 'jane@acme.example' });
    expect(data[1]).toMatchObject({ status: 'in-progress', previousStatus: null });
    expect(data[2]).toMatchObject({ stage: 'invite_sent', stageLabel: 'Invite sent' });
  });

  it('pages with limit and cursor, filters by type and since, and refuses bad parameters', async () => {
    const { caseId } = (await (await postCase(call, { customerEmail: 'a@acme.example' })).json()) as { caseId: string };
    clock.advance(1000);
    const later = new Date(clock.now()).toISOString();
    sb.advanceCase(caseId, 'approved');

    const all = (await page('?limit=200')).data;
    expect(all.map((e) => e.event)).toEqual([
      'case.created',
      'case.status.changed',
      'case.onboarding_progress.changed',
      'case.status.changed',
      'case.decision.made',
      'case.onboarding_progress.changed',
    ]);
    // Every event has its own time, in emission order — across changes too, though the clock stood still between them.
    const times = all.map((e) => Date.parse(String(e.timestamp)));
    expect(new Set(times).size).toBe(times.length);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times.slice(3)).toEqual([Date.parse(later), Date.parse(later) + 1, Date.parse(later) + 2]);
    const walked: unknown[] = [];
    let cursor: string | null = null;
    do {
      const p: EventPage = await page(`?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      walked.push(...p.data.map((e) => e.eventId));
      cursor = p.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all.map((e) => e.eventId));

    expect((await page('?type=case.status.changed')).data.map((e) => e.status)).toEqual(['in-progress', 'approved']);
    expect((await page(`?since=${encodeURIComponent(later)}`)).data).toHaveLength(3);
    for (const q of ['?limit=500', '?since=tomorrow', '?cursor=xyz'])
      expect((await call(`/v1/events${q}`)).status, q).toBe(400);

    sb.advanceCase(caseId, 'in_screening');
    sb.advanceCase(caseId, 'awaiting_id_verification');
    const twoMore = (await page('?limit=200')).data.slice(6).map((e) => Date.parse(String(e.timestamp)));
    expect(twoMore).toEqual([Date.parse(later) + 3, Date.parse(later) + 4]);
    expect(sb.cases[0]!.updatedAt).toBe(new Date(Date.parse(later) + 4).toISOString());
  });

  it('shows a tenant only its own events and needs read:events', async () => {
    await postCase(call, { customerEmail: 'a@acme.example' });
    const other = sb.createClient({ orgId: 'org_other' });
    expect(((await api(sb, await mint(sb, other))('/v1/events').then((r) => r.json())) as EventPage).data).toEqual([]);
    const noEvents = sb.createClient({ scopes: ['read:cases'] });
    const res = await api(sb, await mint(sb, noEvents))('/v1/events');
    expect(res.status).toBe(403);
  });
});
