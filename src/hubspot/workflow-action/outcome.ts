import type { WebhookEvent } from '../../webhooks/schemas';

/** How FML decided a case, as the workflow sees it. */
export interface CaseOutcome {
  caseId: string;
  /** The case status, e.g. `approved`, `declined`. */
  status: string;
  /** The decision, e.g. `approve`, `decline` (FML's recommendation vocabulary). */
  decision: string;
}

/** Statuses that end a case: reaching one completes blocked executions. */
export const DEFAULT_TERMINAL_STATUSES: readonly string[] = ['approved', 'declined'];

const DECISION_OF: Record<string, string> = { approved: 'approve', declined: 'decline' };
const STATUS_OF: Record<string, string> = { approve: 'approved', decline: 'declined' };

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const lookup = (table: Record<string, string>, key: string | undefined) => (key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);

/**
 * The outcome an FML event announces, or undefined when the case is still open. `case.decision.made`
 * always ends the wait; `case.status.changed` only when it reaches a terminal status. Intermediate
 * statuses (`pending_senior`, `returned`, …) and every other event leave blocked executions waiting.
 */
export function outcomeOfEvent(event: WebhookEvent, terminalStatuses: readonly string[] = DEFAULT_TERMINAL_STATUSES): CaseOutcome | undefined {
  const e = event as Record<string, unknown>;
  if (event.event === 'case.decision.made') {
    const decision = text(e.decision);
    const status = text(e.status) ?? lookup(STATUS_OF, decision) ?? '';
    return { caseId: event.caseId, status, decision: decision ?? lookup(DECISION_OF, status) ?? status };
  }
  if (event.event === 'case.status.changed') {
    const status = text(e.status);
    if (status === undefined || !terminalStatuses.includes(status)) return undefined;
    return { caseId: event.caseId, status, decision: lookup(DECISION_OF, status) ?? status };
  }
  return undefined;
}

/** The outcome of a case FML already decided (a re-run finding an old case), or undefined while open. */
export function outcomeOfCase(kase: { caseId: string; status?: unknown }, terminalStatuses: readonly string[] = DEFAULT_TERMINAL_STATUSES): CaseOutcome | undefined {
  const status = text(kase.status);
  if (status === undefined || !terminalStatuses.includes(status)) return undefined;
  return { caseId: kase.caseId, status, decision: lookup(DECISION_OF, status) ?? status };
}
