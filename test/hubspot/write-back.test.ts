import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlConfigError, ValidationError } from '../../src/errors';
import {
  companyPropertiesFromEvent,
  companyPropertyDefinitions,
  ensureCompanyProperties,
  HubSpotApiError,
  updateCompanyFromEvent,
  type FmlEventLike,
  type UpdateCompanyOptions,
} from '../../src/hubspot/index';
import { startFakeHubSpot, type FakeHubSpot } from '../../src/sandbox/fake-hubspot';

const base = (event: string, extra: Record<string, unknown> = {}): FmlEventLike => ({
  event,
  eventId: `evt-${Math.random()}`,
  eventVersion: 1,
  timestamp: '2026-05-15T09:14:11.421Z',
  orgId: 'org_1',
  caseId: 'CS-2026-00471',
  crmRecordId: null,
  crmSource: 'hubspot',
  companyName: 'Acme Holdings Ltd',
  ...extra,
});

describe('companyPropertiesFromEvent', () => {
  it('maps each event onto the Company properties it informs', () => {
    const at = '2026-05-15T09:14:11.421Z';
    const common = { fml_case_id: 'CS-2026-00471', fml_last_event_at: at };
    expect(
      companyPropertiesFromEvent(base('case.status.changed', { status: 'approved', previousStatus: 'in-progress' })),
    ).toEqual({
      ...common,
      fml_case_status: 'approved',
      fml_case_status_at: at,
      fml_last_event: 'case.status.changed',
    });
    expect(
      companyPropertiesFromEvent(
        base('case.onboarding_progress.changed', {
          stage: 'collecting_documents',
          stageLabel: 'Collecting',
          roster: [],
          summary: {},
        }),
      ),
    ).toEqual({
      ...common,
      fml_onboarding_stage: 'collecting_documents',
      fml_onboarding_stage_at: at,
      fml_last_event: 'case.onboarding_progress.changed',
    });
    expect(companyPropertiesFromEvent(base('case.decision.made', { status: 'approved', decision: 'approve' }))).toEqual(
      {
        ...common,
        fml_case_status: 'approved',
        fml_decision: 'approve',
        fml_case_status_at: at,
        fml_decision_at: at,
        fml_last_event: 'case.decision.made',
      },
    );
    // A decision without a status moves only the decision's clock.
    expect(companyPropertiesFromEvent(base('case.decision.made', { decision: 'approve' }))).toEqual({
      ...common,
      fml_decision: 'approve',
      fml_decision_at: at,
      fml_last_event: 'case.decision.made',
    });
    // No value for a role, no move of its clock: a status event without a status leaves fml_case_status_at alone.
    expect(companyPropertiesFromEvent(base('case.status.changed', { status: '' }))).not.toHaveProperty(
      'fml_case_status_at',
    );
    expect(companyPropertiesFromEvent(base('case.decision.made', { status: 'declined' }))).toMatchObject({
      fml_decision: 'declined',
    });
  });

  it('writes only the common properties for other and unknown (newer) events, never blanking a value', () => {
    for (const name of ['case.created', 'case.submitted', 'screening.completed', 'case.frobnicated.v9']) {
      expect(companyPropertiesFromEvent(base(name, { status: '' }))).toEqual({
        fml_case_id: 'CS-2026-00471',
        fml_last_event: name,
        fml_last_event_at: '2026-05-15T09:14:11.421Z',
      });
    }
  });

  it('normalises the timestamp to ISO 8601 UTC', () => {
    expect(
      companyPropertiesFromEvent(base('case.created', { timestamp: '2026-05-15T10:14:11+01:00' })).fml_last_event_at,
    ).toBe('2026-05-15T09:14:11.000Z');
  });

  it('uses the configured property names, and leaves out roles set to false', () => {
    const props = companyPropertiesFromEvent(base('case.status.changed', { status: 'approved' }), {
      properties: { caseStatus: 'kyb_status', lastEvent: false },
    });
    expect(props).toEqual({
      fml_case_id: 'CS-2026-00471',
      kyb_status: 'approved',
      fml_last_event_at: '2026-05-15T09:14:11.421Z',
      fml_case_status_at: '2026-05-15T09:14:11.421Z',
    });
  });

  it('rejects events it cannot use, and property names HubSpot would reject', () => {
    expect(() => companyPropertiesFromEvent(base('case.created', { caseId: '' }))).toThrow(ValidationError);
    expect(() => companyPropertiesFromEvent(base('case.created', { timestamp: 'soon' }))).toThrow(ValidationError);
    expect(() => companyPropertiesFromEvent(null as unknown as FmlEventLike)).toThrow(ValidationError);
    expect(() => companyPropertiesFromEvent(base('case.created'), { properties: { caseId: 'Bad Name' } })).toThrow(
      FmlConfigError,
    );
    expect(() => companyPropertiesFromEvent(base('case.created'), { properties: { caseId: '__proto__' } })).toThrow(
      FmlConfigError,
    );
  });
});

describe('updateCompanyFromEvent', () => {
  let hs: FakeHubSpot;
  let opts: UpdateCompanyOptions;
  beforeEach(async () => {
    hs = await startFakeHubSpot();
    await ensureCompanyProperties({ accessToken: hs.accessToken, baseUrl: hs.url });
    hs.requests.length = 0;
    opts = { accessToken: hs.accessToken, baseUrl: hs.url, retryBaseDelayMs: 5, timeoutMs: 2000 };
  });
  afterEach(() => hs.close());

  const calls = () => hs.requests.map((r) => `${r.method} ${r.path}${r.fault ? ` (${r.fault})` : ''} → ${r.status}`);

  it('reads the role timestamps, then PATCHes the Company named by crmRecordId', async () => {
    const c = hs.createCompany({ name: 'Acme' });
    const result = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'approved', crmRecordId: c.id }),
      opts,
    );
    expect(result).toMatchObject({
      outcome: 'updated',
      companyId: c.id,
      foundBy: 'crm-record-id',
      previousEventAt: null,
      staleProperties: [],
    });
    expect(c.properties).toMatchObject({
      name: 'Acme',
      fml_case_id: 'CS-2026-00471',
      fml_case_status: 'approved',
      fml_case_status_at: '2026-05-15T09:14:11.421Z',
      fml_last_event: 'case.status.changed',
      fml_last_event_at: '2026-05-15T09:14:11.421Z',
    });
    expect(calls()).toEqual([
      `GET /crm/v3/objects/companies/${c.id} → 200`,
      `PATCH /crm/v3/objects/companies/${c.id} → 200`,
    ]);
    expect(hs.requests[0]!.query).toBe('properties=fml_last_event_at,fml_case_status_at');
    expect(hs.requests[1]!.body).toEqual({ properties: result.properties });
  });

  it('skips an event older than the last one of its kind, and applies one of equal time', async () => {
    const c = hs.createCompany({
      fml_last_event_at: '2026-05-15T10:00:00.000Z',
      fml_case_status_at: '2026-05-15T10:00:00.000Z',
      fml_case_status: 'approved',
    });
    const stale = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'in-progress', crmRecordId: c.id }),
      opts,
    );
    expect(stale).toMatchObject({ outcome: 'skipped', reason: 'stale', previousEventAt: '2026-05-15T10:00:00.000Z' });
    expect(c.properties.fml_case_status).toBe('approved');
    expect(hs.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    const same = await updateCompanyFromEvent(
      base('case.decision.made', {
        status: 'approved',
        decision: 'approve',
        crmRecordId: c.id,
        timestamp: '2026-05-15T10:00:00.000Z',
      }),
      opts,
    );
    expect(same.outcome).toBe('updated');
    expect(c.properties.fml_decision).toBe('approve');
  });

  it('keeps order per kind: a newer stage event applied first never hides an older status event', async () => {
    const c = hs.createCompany({ fml_case_status: 'in-progress' });
    const T = Date.parse('2026-05-15T09:00:00.000Z');
    const at = (ms: number) => new Date(T + ms).toISOString();
    // The stage event of T+5 ms overtakes the status event of T (a retry, parallel deliveries).
    const stage = await updateCompanyFromEvent(
      base('case.onboarding_progress.changed', { stage: 'decision_made', timestamp: at(5), crmRecordId: c.id }),
      opts,
    );
    expect(stage.outcome).toBe('updated');
    const status = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'approved', timestamp: at(0), crmRecordId: c.id }),
      opts,
    );
    expect(status).toMatchObject({
      outcome: 'updated',
      previousEventAt: at(5),
      staleProperties: ['fml_case_id', 'fml_last_event', 'fml_last_event_at'],
    });
    expect(status.properties).toEqual({ fml_case_status: 'approved', fml_case_status_at: at(0) });
    // The status is written; "the latest event seen" stays the stage event, and never moves back.
    expect(c.properties).toMatchObject({
      fml_case_status: 'approved',
      fml_case_status_at: at(0),
      fml_onboarding_stage: 'decision_made',
      fml_onboarding_stage_at: at(5),
      fml_last_event: 'case.onboarding_progress.changed',
      fml_last_event_at: at(5),
    });
    // An older status event still loses to the newer status, even though its stage clock is untouched.
    const older = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'in-progress', timestamp: at(-10), crmRecordId: c.id }),
      opts,
    );
    expect(older).toMatchObject({ outcome: 'skipped', reason: 'stale' });
    expect(c.properties.fml_case_status).toBe('approved');
  });

  it('keeps the decision when a status event 1 ms newer was applied first (the decision has its own clock)', async () => {
    const c = hs.createCompany({ fml_case_status: 'in-progress' });
    const T = Date.parse('2026-05-15T09:00:00.000Z');
    const at = (ms: number) => new Date(T + ms).toISOString();
    const status = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'approved', timestamp: at(1), crmRecordId: c.id }),
      opts,
    );
    expect(status.outcome).toBe('updated');
    const decision = await updateCompanyFromEvent(
      base('case.decision.made', { status: 'approved', decision: 'approve', timestamp: at(0), crmRecordId: c.id }),
      opts,
    );
    expect(decision).toMatchObject({
      outcome: 'updated',
      properties: { fml_decision: 'approve', fml_decision_at: at(0) },
    });
    // The decision is written; the status keeps its newer value and clock.
    expect(c.properties).toMatchObject({
      fml_decision: 'approve',
      fml_decision_at: at(0),
      fml_case_status: 'approved',
      fml_case_status_at: at(1),
    });
    expect(decision.staleProperties).toEqual(expect.arrayContaining(['fml_case_status', 'fml_case_status_at']));
    // An older decision still loses to the newer one.
    const older = await updateCompanyFromEvent(
      base('case.decision.made', { decision: 'decline', timestamp: at(-10), crmRecordId: c.id }),
      opts,
    );
    expect(older).toMatchObject({ outcome: 'skipped', reason: 'stale' });
    expect(c.properties.fml_decision).toBe('approve');
  });

  it('orders a role by fml_last_event_at when its own timestamp property is switched off', async () => {
    const c = hs.createCompany({ fml_last_event_at: '2026-05-15T10:00:00.000Z' });
    const result = await updateCompanyFromEvent(
      base('case.status.changed', { status: 'approved', crmRecordId: c.id }),
      { ...opts, properties: { caseStatusAt: false } },
    );
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'stale' });
    expect(hs.requests.find((r) => r.method === 'GET')!.query).toBe('properties=fml_last_event_at');
  });

  it('reads the role timestamps in the search when it finds the Company by fml_case_id', async () => {
    const c = hs.createCompany({ fml_case_id: 'CS-2026-00471', fml_last_event_at: '2026-05-15T10:00:00.000Z' });
    const result = await updateCompanyFromEvent(
      base('case.onboarding_progress.changed', { stage: 'in_screening' }),
      opts,
    );
    expect(result).toMatchObject({
      outcome: 'updated',
      foundBy: 'search',
      properties: { fml_onboarding_stage: 'in_screening', fml_onboarding_stage_at: '2026-05-15T09:14:11.421Z' },
    });
    expect(hs.requests[0]!.body).toMatchObject({
      properties: ['fml_case_id', 'fml_last_event_at', 'fml_onboarding_stage_at'],
    });
    expect(c.properties.fml_last_event_at).toBe('2026-05-15T10:00:00.000Z');
  });

  it('writes straight away, without the read, when skipStale is false', async () => {
    const c = hs.createCompany({ fml_last_event_at: '2030-01-01T00:00:00.000Z' });
    const result = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), {
      ...opts,
      skipStale: false,
    });
    expect(result.outcome).toBe('updated');
    expect(calls()).toEqual([`PATCH /crm/v3/objects/companies/${c.id} → 200`]);
  });

  it('finds the Company by fml_case_id when the event has no crmRecordId', async () => {
    const c = hs.createCompany({ fml_case_id: 'CS-2026-00471' });
    hs.createCompany({ fml_case_id: 'CS-other' });
    const result = await updateCompanyFromEvent(
      base('case.onboarding_progress.changed', { stage: 'in_screening' }),
      opts,
    );
    expect(result).toMatchObject({ outcome: 'updated', companyId: c.id, foundBy: 'search' });
    expect(c.properties.fml_onboarding_stage).toBe('in_screening');
    expect(calls()).toEqual([
      'POST /crm/v3/objects/companies/search → 200',
      `PATCH /crm/v3/objects/companies/${c.id} → 200`,
    ]);
    expect(hs.requests[0]!.body).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'fml_case_id', operator: 'EQ', value: 'CS-2026-00471' }] }],
    });
  });

  it('falls back to the search when the crmRecordId Company is gone (merged or deleted)', async () => {
    const c = hs.createCompany({ fml_case_id: 'CS-2026-00471' });
    const result = await updateCompanyFromEvent(base('case.created', { crmRecordId: '999999' }), opts);
    expect(result).toMatchObject({ outcome: 'updated', companyId: c.id, foundBy: 'search' });
  });

  it('reports not_found when no Company matches, writing nothing', async () => {
    expect(await updateCompanyFromEvent(base('case.created'), opts)).toMatchObject({
      outcome: 'skipped',
      reason: 'not_found',
    });
    expect(hs.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('leaves events of another CRM alone', async () => {
    const c = hs.createCompany();
    expect(
      await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id, crmSource: 'salesforce' }), opts),
    ).toMatchObject({ outcome: 'skipped', reason: 'not_hubspot' });
    expect(hs.requests).toHaveLength(0);
  });

  it("retries HubSpot's ten-secondly 429s (no Retry-After) and 5xx, then succeeds", async () => {
    const c = hs.createCompany();
    hs.faults.rateLimit({ times: 2 });
    hs.faults.serverError({ times: 1, status: 502 });
    const result = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), opts);
    expect(result.outcome).toBe('updated');
    expect(calls()).toEqual([
      `GET /crm/v3/objects/companies/${c.id} (rate-limit) → 429`,
      `GET /crm/v3/objects/companies/${c.id} (rate-limit) → 429`,
      `GET /crm/v3/objects/companies/${c.id} (server-error) → 502`,
      `GET /crm/v3/objects/companies/${c.id} → 200`,
      `PATCH /crm/v3/objects/companies/${c.id} → 200`,
    ]);
  });

  it('honours a Retry-After it can wait for, and gives a longer one back at once', async () => {
    const c = hs.createCompany();
    hs.faults.rateLimit({ times: 1, retryAfterSeconds: 0 });
    expect((await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), opts)).outcome).toBe('updated');
    hs.requests.length = 0;
    hs.faults.rateLimit({ times: 1, retryAfterSeconds: 30 });
    const error = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), {
      ...opts,
      maxRetryAfterMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'hubspot_rate_limited',
      retryable: true,
      policyName: 'TEN_SECONDLY_ROLLING',
      category: 'RATE_LIMIT',
    });
    expect(hs.requests).toHaveLength(1);
  });

  it('does not retry the daily limit', async () => {
    const c = hs.createCompany();
    hs.faults.rateLimit({ times: 5, policyName: 'DAILY' });
    const error = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), opts).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 429, retryable: false, policyName: 'DAILY' });
    expect(hs.requests).toHaveLength(1);
  });

  it('times out a hung attempt and retries it; gives a timeout back when every attempt hangs', async () => {
    const c = hs.createCompany();
    hs.faults.delay(1000, { times: 1 });
    expect(
      (await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), { ...opts, timeoutMs: 100 })).outcome,
    ).toBe('updated');
    hs.faults.delay(1000, { times: 3 });
    const error = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), {
      ...opts,
      timeoutMs: 100,
      maxRetries: 2,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it("gives HubSpot's 400 for an unknown property back as a typed error", async () => {
    const c = hs.createCompany();
    const error = await updateCompanyFromEvent(base('case.created', { crmRecordId: c.id }), {
      ...opts,
      properties: { caseId: 'fml_case_ref' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'hubspot_validation_error',
      category: 'VALIDATION_ERROR',
      retryable: false,
    });
    expect((error as Error).message).toContain('fml_case_ref');
  });

  it('never shows the access token: not in 401 errors, not even when HubSpot echoes it', async () => {
    const wrong = 'pat-na1-this-is-a-wrong-token-1234';
    const denied = (await updateCompanyFromEvent(base('case.created', { crmRecordId: '1' }), {
      ...opts,
      accessToken: wrong,
    }).catch((e: unknown) => e)) as HubSpotApiError;
    expect(denied).toMatchObject({ status: 401, code: 'hubspot_unauthorized' });
    hs.route('PATCH', /^\/crm\/v3\/objects\/companies\/echo$/, (req) => ({
      status: 400,
      body: {
        status: 'error',
        message: `bad request from ${String(req.headers.authorization)}`,
        category: 'VALIDATION_ERROR',
      },
    }));
    const echoed = (await updateCompanyFromEvent(base('case.created', { crmRecordId: 'echo' }), {
      ...opts,
      skipStale: false,
    }).catch((e: unknown) => e)) as HubSpotApiError;
    expect(echoed.message).toContain('Bearer ***');
    for (const [error, token] of [
      [denied, wrong],
      [echoed, hs.accessToken],
    ] as const) {
      for (const shown of [error.message, JSON.stringify(error), inspect(error, { depth: 5 })])
        expect(shown).not.toContain(token);
    }
  });

  it("scrubs HubSpot's response headers kept on the error: cookies, credential-named headers, and the token echoed anywhere", async () => {
    hs.route('PATCH', /^\/crm\/v3\/objects\/companies\/hdr$/, (req) => ({
      status: 400,
      body: { status: 'error', message: 'no', category: 'VALIDATION_ERROR' },
      headers: {
        'set-cookie': '__hs_session=abc123secretcookie; Path=/',
        'x-debug-auth': String(req.headers.authorization),
        authorization: String(req.headers.authorization),
        'x-hubspot-correlation-id': 'corr-42',
      },
    }));
    const error = (await updateCompanyFromEvent(base('case.created', { crmRecordId: 'hdr' }), {
      ...opts,
      skipStale: false,
    }).catch((e: unknown) => e)) as HubSpotApiError;
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error.headers).toMatchObject({
      authorization: '***',
      'x-debug-auth': 'Bearer ***',
      'x-hubspot-correlation-id': 'corr-42',
    });
    expect(error.headers['set-cookie'] ?? '***').toBe('***'); // fetch may already hide it; kept, it is blanked
    for (const shown of [JSON.stringify(error), inspect(error, { depth: 5 }), JSON.stringify(error.headers)]) {
      expect(shown).not.toContain(hs.accessToken);
      expect(shown).not.toContain('abc123secretcookie');
    }
  });

  it('refuses to start without an access token', async () => {
    await expect(updateCompanyFromEvent(base('case.created'), { accessToken: '' })).rejects.toThrow(FmlConfigError);
  });
});

describe('ensureCompanyProperties', () => {
  it("creates the recipe's properties once, and reports them as existing the next time", async () => {
    const hs = await startFakeHubSpot();
    try {
      const first = await ensureCompanyProperties({ accessToken: hs.accessToken, baseUrl: hs.url });
      expect(first.created).toEqual([
        'kyb_contact_email',
        'kyb_contact_name',
        'fml_case_id',
        'fml_case_status',
        'fml_onboarding_stage',
        'fml_decision',
        'fml_last_event',
        'fml_last_event_at',
        'fml_case_status_at',
        'fml_onboarding_stage_at',
        'fml_decision_at',
      ]);
      expect(first.existing).toEqual([]);
      for (const dated of ['fml_last_event_at', 'fml_case_status_at', 'fml_onboarding_stage_at', 'fml_decision_at'])
        expect(hs.propertyDefinitions.get(dated)).toMatchObject({
          type: 'datetime',
          fieldType: 'date',
          groupName: 'companyinformation',
        });
      expect(hs.propertyDefinitions.get('fml_case_id')).toMatchObject({ type: 'string', fieldType: 'text' });
      const second = await ensureCompanyProperties({ accessToken: hs.accessToken, baseUrl: hs.url });
      expect(second).toEqual({ created: [], existing: first.created });
    } finally {
      await hs.close();
    }
  });

  it('can skip the input properties and follow renamed ones', () => {
    const names = companyPropertyDefinitions({
      inputProperties: false,
      properties: { decision: false, caseStatus: 'kyb_status' },
    }).map((d) => d.name);
    expect(names).toEqual([
      'fml_case_id',
      'kyb_status',
      'fml_onboarding_stage',
      'fml_last_event',
      'fml_last_event_at',
      'fml_case_status_at',
      'fml_onboarding_stage_at',
    ]);
  });
});
