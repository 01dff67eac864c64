// Sample payloads for every known event, shaped as the `webhooks` section of openapi.yaml and FML's
// published schemas (fml-api.md §7) describe.
import { signWebhookBody } from '../../src/webhooks/sign';

export const SECRET = 'whsec_test_SECRET_never_show_me_7f3a';
export const OTHER_SECRET = 'whsec_other_secret_b2c9';

const common = {
  eventId: '3f1c2a9e-5b7d-4e8f-9a01-2b3c4d5e6f70',
  eventVersion: 1,
  timestamp: '2026-05-15T09:14:11.421Z',
  orgId: 'org_7Hk2',
  caseId: 'CS-2026-00471',
  crmRecordId: '12345678901',
  crmSource: 'hubspot',
  companyName: 'Acme Holdings Ltd',
};

/** One payload per known event name. */
export const samples = {
  'case.created': {
    event: 'case.created',
    ...common,
    source: 'api',
    companyNumber: '01234567',
    country: 'United Kingdom',
    customerEmail: 'jane@acme.example',
  },
  'case.submitted': { event: 'case.submitted', ...common },
  'case.status.changed': {
    event: 'case.status.changed',
    ...common,
    status: 'approved',
    previousStatus: 'in-progress',
    changedBy: 'analyst@fml.example',
    recommendation: 'approve',
  },
  'case.decision.made': {
    event: 'case.decision.made',
    ...common,
    status: 'approved',
    decision: 'approve',
    decidedAt: '2026-05-16T10:00:00Z',
  },
  'case.onboarding_progress.changed': {
    event: 'case.onboarding_progress.changed',
    ...common,
    stage: 'in_screening',
    stageLabel: 'In screening',
    roster: [{ name: 'Jane Doe', role: 'director', done: true }],
    summary: { documents: 4, outstanding: 0 },
  },
  'screening.completed': {
    event: 'screening.completed',
    ...common,
    screened: 2,
    summary: [
      { name: 'Jane Doe', role: 'director', status: 'clear' },
      { name: 'John Roe', role: null, status: 'pep' },
    ],
  },
  'screening.hit.detected': {
    event: 'screening.hit.detected',
    ...common,
    hitId: 'hit_991',
    source: 'OFAC SDN',
    subjectId: 'sub_42',
    subjectName: 'John Roe',
  },
  'screening.hit.triaged': { event: 'screening.hit.triaged', ...common, hitId: 'hit_991', outcome: 'false_positive' },
  'ai_review.completed': {
    event: 'ai_review.completed',
    ...common,
    reviewId: 8812,
    recommendation: 'Refer',
    confidence: 'Medium',
    riskFactorCount: 2,
    riskFactors: [
      { text: 'Director appears on a PEP list', severity: 'HIGH' },
      { text: 'Registered address is a virtual office', severity: 'LOW' },
    ],
    completedAt: '2026-05-15T09:20:00+01:00',
    triggeredBy: 'system:form-submission:jane@acme.example',
  },
  'case.data_package.delivered': {
    event: 'case.data_package.delivered',
    ...common,
    decidedAt: '2026-05-16T10:00:00Z',
    outcome: { decision: 'approved' },
    fullParity: { documents: [] },
  },
  'data.corrected': {
    event: 'data.corrected',
    ...common,
    source: 'customer_review',
    amendmentCount: 1,
    amendments: [{ section: 'company', field: 'country', originalValue: 'UK', correctedValue: 'United Kingdom' }],
  },
} as const;

/** A body and its valid signature header. */
export function signed(payload: unknown, secret = SECRET): { body: string; signature: string } {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { body, signature: signWebhookBody(body, secret) };
}

/** A `case.status.changed` body of about 1 KB, as the benchmark uses. */
export function statusChangedOfAboutOneKb(): Record<string, unknown> {
  return { ...samples['case.status.changed'], note: 'x'.repeat(640) };
}
