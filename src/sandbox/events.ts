import { newUuid } from './ids';
import type { CaseRecord } from './state';
import type { SandboxEvent } from './types';

const STAGE_LABELS: Record<string, string> = {
  created: 'Case created',
  invite_sent: 'Invite sent',
  collecting_documents: 'Collecting documents',
  application_submitted: 'Application submitted',
  in_screening: 'In screening',
  awaiting_id_verification: 'Awaiting ID verification',
  decision_made: 'Decision made',
};

/** A readable label for a stage, known or not (`some_new_stage` → `Some new stage`). */
export function stageLabel(stage: string): string {
  const known = Object.hasOwn(STAGE_LABELS, stage) ? STAGE_LABELS[stage] : undefined;
  if (known !== undefined) return known;
  const words = stage.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A flat event (§5): the common fields from the case, then the event's own fields. */
export function buildEvent(
  name: string,
  rec: CaseRecord,
  timestamp: string,
  fields: Record<string, unknown> = {},
): SandboxEvent {
  const c = rec.data;
  return {
    event: name,
    eventId: newUuid(),
    eventVersion: 1,
    timestamp,
    orgId: rec.orgId,
    caseId: c.caseId,
    crmRecordId: c.crmRecordId,
    crmSource: c.crmSource,
    companyName: c.companyName ?? null,
    ...fields,
  };
}

export const caseCreated = (rec: CaseRecord, at: string): SandboxEvent =>
  buildEvent('case.created', rec, at, {
    source: rec.data.source,
    companyNumber: rec.data.companyNumber,
    country: rec.data.country ?? null,
    customerEmail: rec.data.customerEmail,
  });

export const statusChanged = (
  rec: CaseRecord,
  at: string,
  previousStatus: string | null,
  extra: { changedBy?: string; recommendation?: string },
): SandboxEvent => buildEvent('case.status.changed', rec, at, { status: rec.data.status, previousStatus, ...extra });

// `decision` uses the recommendation vocabulary (approve/decline); `status` the case's.
const DECISION_OF = new Map([
  ['approved', 'approve'],
  ['declined', 'decline'],
]);

export const decisionMade = (rec: CaseRecord, at: string): SandboxEvent =>
  buildEvent('case.decision.made', rec, at, {
    status: rec.data.status,
    decision: DECISION_OF.get(rec.data.status) ?? rec.data.status,
    decidedAt: at,
  });

// Roster and summary shapes are unpublished; the sandbox sends neutral, valid JSON.
export const progressChanged = (rec: CaseRecord, at: string): SandboxEvent =>
  buildEvent('case.onboarding_progress.changed', rec, at, {
    stage: rec.stage,
    stageLabel: stageLabel(rec.stage),
    roster: [],
    summary: {},
  });

export const caseSubmitted = (rec: CaseRecord, at: string): SandboxEvent => buildEvent('case.submitted', rec, at);
