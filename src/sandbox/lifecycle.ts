import { FmlConfigError } from '../errors';
import { caseCreated, caseSubmitted, decisionMade, progressChanged, statusChanged } from './events';
import type { CaseRecord } from './state';
import { STAGES, type SandboxEvent } from './types';

/** What `advanceCase` moves a case to. Give a status, a stage, or both (status first). */
export interface AdvanceSpec {
  /**
   * New status, e.g. `approved`, `declined`, `pending_senior`, `returned` (an open set).
   * @default undefined (the status stays; give `stage` instead)
   */
  status?: string;
  /**
   * New onboarding stage, e.g. `collecting_documents`, `application_submitted`.
   * @default undefined (the stage stays, except that a decision moves it to `decision_made`)
   */
  stage?: string;
  /**
   * Carried on `case.status.changed`: `approve`, `decline` or `refer`.
   * @default undefined (the event carries no recommendation)
   */
  recommendation?: string;
  /** Carried on `case.status.changed`. @default 'sandbox' */
  changedBy?: string;
}

/**
 * Hands out the timestamps of one change's events, in emission order. Each call returns a later
 * instant than the one before, so the events of one change never share a time and a receiver that
 * orders by `timestamp` sees them in the order FML emitted them.
 */
export type EventStamp = () => string;

/** Statuses that are decisions: reaching one also emits `case.decision.made`. */
const DECISIONS = new Set(['approved', 'declined']);

/** A bare string is a stage when it names a documented stage, otherwise a status. */
export function toAdvanceSpec(target: string | AdvanceSpec): AdvanceSpec {
  const spec =
    typeof target === 'string'
      ? (STAGES as readonly string[]).includes(target)
        ? { stage: target }
        : { status: target }
      : target;
  const ok = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() !== '');
  if (spec === null || typeof spec !== 'object' || (spec.status === undefined && spec.stage === undefined)) {
    throw new FmlConfigError('advanceCase needs a status (e.g. "approved") or a stage (e.g. "collecting_documents").');
  }
  if (!ok(spec.status) || !ok(spec.stage) || !ok(spec.recommendation) || !ok(spec.changedBy)) {
    throw new FmlConfigError('advanceCase: status, stage, recommendation and changedBy must be non-empty strings.');
  }
  return spec;
}

/** Events of a new case: created, its first status, and its first stage (invite sent or not). */
export function creationEvents(rec: CaseRecord, stamp: EventStamp): SandboxEvent[] {
  return [caseCreated(rec, stamp()), statusChanged(rec, stamp(), null, {}), progressChanged(rec, stamp())];
}

/**
 * Moves a case and returns the events that move emits, in order, each with its own later timestamp.
 * Moving to where the case already is emits nothing. A decision (approved/declined) also moves the
 * stage to `decision_made`; reaching `application_submitted` also emits `case.submitted`.
 */
export function applyAdvance(rec: CaseRecord, spec: AdvanceSpec, stamp: EventStamp): SandboxEvent[] {
  const events: SandboxEvent[] = [];
  const moveStage = (stage: string) => {
    if (rec.stage === stage) return;
    rec.stage = stage;
    events.push(progressChanged(rec, stamp()));
    if (stage === 'application_submitted') events.push(caseSubmitted(rec, stamp()));
  };
  if (spec.status !== undefined && spec.status !== rec.data.status) {
    const previous = rec.data.status;
    rec.data.status = spec.status;
    const extra: { changedBy: string; recommendation?: string } = { changedBy: spec.changedBy ?? 'sandbox' };
    if (spec.recommendation !== undefined) extra.recommendation = spec.recommendation;
    events.push(statusChanged(rec, stamp(), previous, extra));
    if (DECISIONS.has(spec.status)) {
      events.push(decisionMade(rec, stamp()));
      if (spec.stage === undefined) moveStage('decision_made');
    }
  }
  if (spec.stage !== undefined) moveStage(spec.stage);
  // The case changed when the change began: at its first event.
  if (events[0]) rec.data.updatedAt = events[0].timestamp;
  return events;
}
