import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../generated/schemas/webhooks/', import.meta.url));
// ajv-formats is CommonJS: depending on the loader its function is the default export or `.default` of it.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

interface IndexEntry {
  event: string;
  version: number;
  file: string;
  $id: string;
}
const index = JSON.parse(readFileSync(`${DIR}index.json`, 'utf8')) as { schemas: IndexEntry[] };

const common = {
  eventId: '3f1c2a9e-4b7d-4e21-9a0c-6d5e8f7a1b2c',
  eventVersion: 1,
  timestamp: '2026-05-16T10:02:00.000Z',
  orgId: 'org_acme_bank',
  caseId: '8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
  crmRecordId: '12345678901',
  crmSource: 'hubspot',
  companyName: 'Acme Holdings Ltd',
};

/** One payload per event, as fml-api.md §5 and the seed describe them. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'case.created': {
    ...common,
    event: 'case.created',
    source: 'application_form',
    companyNumber: '09876543',
    country: 'United Kingdom',
    customerEmail: 'jane.doe@acme.example',
    createdBy: 'analyst@bank.example',
  },
  'case.submitted': { ...common, event: 'case.submitted' },
  'case.status.changed': {
    ...common,
    event: 'case.status.changed',
    status: 'approved',
    previousStatus: 'in-progress',
    changedBy: 'analyst@bank.example',
    recommendation: 'approve',
  },
  'case.decision.made': {
    ...common,
    event: 'case.decision.made',
    status: 'approved',
    decision: 'approve',
    decidedAt: '2026-05-16T10:01:59.000Z',
  },
  'case.onboarding_progress.changed': {
    ...common,
    event: 'case.onboarding_progress.changed',
    stage: 'collecting_documents',
    stageLabel: 'Collecting documents',
    roster: [{ name: 'Jane Doe', role: 'director', done: false }],
    summary: { documentsReceived: 2, documentsRequired: 5 },
  },
  'screening.completed': {
    ...common,
    event: 'screening.completed',
    screened: 2,
    summary: [
      { name: 'Jane Doe', role: 'director', status: 'clear' },
      { name: 'John Roe', role: null, status: 'pep' },
    ],
  },
  'screening.hit.detected': {
    ...common,
    event: 'screening.hit.detected',
    hitId: 'hit_81',
    source: 'sanctions',
    subjectId: 'sub_2',
    subjectName: 'John Roe',
  },
  'screening.hit.triaged': { ...common, event: 'screening.hit.triaged' },
  'ai_review.completed': {
    ...common,
    event: 'ai_review.completed',
    reviewId: 4711,
    recommendation: 'Refer',
    confidence: 'Medium',
    riskFactorCount: 1,
    riskFactors: [{ text: 'Director is a PEP', severity: 'HIGH' }],
    completedAt: '2026-05-16T09:58:00.000Z',
    triggeredBy: 'auto',
  },
  'case.data_package.delivered': {
    ...common,
    event: 'case.data_package.delivered',
    decidedAt: '2026-05-16T10:01:59.000Z',
    outcome: 'approved',
    fullParity: { documents: [] },
  },
  'data.corrected': {
    ...common,
    event: 'data.corrected',
    source: 'analyst_override',
    documentId: 9,
    field: 'document_status',
    originalValue: 'error',
    correctedValue: 'verified',
  },
};

/** A value FML may add tomorrow to each event's open-set field. */
const NEW_ENUM_VALUES: Record<string, Record<string, string>> = {
  'case.created': { source: 'partner_api' },
  'case.status.changed': { status: 'escalated_to_mlro', previousStatus: 'on_hold', recommendation: 'escalate' },
  'case.onboarding_progress.changed': { stage: 'awaiting_ubo_confirmation' },
  'ai_review.completed': { recommendation: 'Escalate', confidence: 'Unsure' },
  'data.corrected': { source: 'registry_sync' },
};

let ajv: Ajv2020;
const validators = new Map<string, ReturnType<Ajv2020['compile']>>();

beforeAll(() => {
  // Strict mode, as connector authors get it by default: the schemas must not need any extra vocabulary.
  ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const entry of index.schemas)
    validators.set(entry.event, ajv.compile(JSON.parse(readFileSync(`${DIR}${entry.file}`, 'utf8'))));
});

function validate(event: string, payload: unknown) {
  const check = validators.get(event);
  if (!check) throw new Error(`no schema for ${event}`);
  const ok = check(payload);
  return { ok, errors: ajv.errorsText(check.errors) };
}

describe('webhook JSON Schemas', () => {
  it('index.json lists one draft 2020-12 schema per sample event, each with its own $id', () => {
    expect(index.schemas.map((s) => s.event).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const entry of index.schemas) {
      const schema = JSON.parse(readFileSync(`${DIR}${entry.file}`, 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(entry.$id);
      expect(entry.file).toBe(`${entry.event}.v1.json`);
    }
  });

  it.each(Object.keys(SAMPLES))('%s accepts its §5 sample payload', (event) => {
    const result = validate(event, SAMPLES[event]);
    expect(result.errors).toBe('No errors');
    expect(result.ok).toBe(true);
  });

  it.each(Object.keys(SAMPLES))('%s accepts fields it does not know', (event) => {
    expect(validate(event, { ...SAMPLES[event], riskTier: 'high', nested: { anything: [1, 'two'] } }).ok).toBe(true);
  });

  it.each(Object.keys(NEW_ENUM_VALUES))('%s accepts enum values it does not know', (event) => {
    expect(validate(event, { ...SAMPLES[event], ...NEW_ENUM_VALUES[event] }).ok).toBe(true);
  });

  it('accepts unknown values inside nested open sets', () => {
    const screening = {
      ...SAMPLES['screening.completed'],
      summary: [{ name: 'X', role: null, status: 'adverse_media' }],
    };
    expect(validate('screening.completed', screening).ok).toBe(true);
    const review = { ...SAMPLES['ai_review.completed'], riskFactors: [{ text: 'x', severity: 'critical' }] };
    expect(validate('ai_review.completed', review).ok).toBe(true);
  });

  it('accepts the optional common fields as null or absent', () => {
    const { crmRecordId: _a, crmSource: _b, ...withoutOptional } = SAMPLES['case.submitted']!;
    expect(validate('case.submitted', withoutOptional).ok).toBe(true);
    expect(
      validate('case.submitted', { ...withoutOptional, crmRecordId: null, crmSource: null, companyName: null }).ok,
    ).toBe(true);
  });

  it.each(
    Object.keys(SAMPLES).flatMap((event) =>
      ['event', 'eventId', 'eventVersion', 'timestamp', 'orgId', 'caseId'].map((field) => [event, field]),
    ),
  )('%s rejects a payload missing the common field %s', (event, field) => {
    const { [field]: _removed, ...payload } = SAMPLES[event]!;
    const result = validate(event, payload);
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(`must have required property '${field}'`);
  });

  it('rejects a payload missing an event-specific required field', () => {
    const { previousStatus: _removed, ...payload } = SAMPLES['case.status.changed']!;
    expect(validate('case.status.changed', payload).errors).toContain("must have required property 'previousStatus'");
  });

  it("rejects another event under this event's schema, and wrongly typed fields", () => {
    expect(validate('case.status.changed', SAMPLES['case.created']).ok).toBe(false);
    expect(validate('screening.completed', { ...SAMPLES['screening.completed'], screened: -1 }).ok).toBe(false);
    expect(validate('case.created', { ...SAMPLES['case.created'], eventId: 'not-a-uuid' }).ok).toBe(false);
    expect(validate('case.created', { ...SAMPLES['case.created'], timestamp: 'yesterday' }).ok).toBe(false);
  });
});
