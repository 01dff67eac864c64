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
const lookup = (table: Record<string, string>, key: string | undefined) =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * The outcome an FML event announces, or undefined when the case is still open. `case.decision.made`
 * always ends the wait; `case.status.changed` only when it reaches a terminal status. Intermediate
 * statuses (`pending_senior`, `returned`, …) and every other event leave blocked executions waiting.
 */
export function outcomeOfEvent(
  event: WebhookEvent,
  terminalStatuses: readonly string[] = DEFAULT_TERMINAL_STATUSES,
): CaseOutcome | undefined {
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
export function outcomeOfCase(
  kase: { caseId: string; status?: unknown },
  terminalStatuses: readonly string[] = DEFAULT_TERMINAL_STATUSES,
): CaseOutcome | undefined {
  const status = text(kase.status);
  if (status === undefined || !terminalStatuses.includes(status)) return undefined;
  return { caseId: kase.caseId, status, decision: lookup(DECISION_OF, status) ?? status };
}

/**
 * Decisions `onFmlEvent` saw lately, for an execution still storing its BLOCK for that case when the
 * decision arrived (it found nothing to complete, and FML will not announce the decision again).
 * Bounded and short-lived: a late BLOCK comes within seconds, not hours.
 */
export class RecentDecisions {
  readonly #byCase = new Map<string, { outcome: CaseOutcome; at: number }>();
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(now: () => number, ttlMs = 10 * 60_000, max = 1000) {
    this.#now = now;
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  remember(outcome: CaseOutcome): void {
    const at = this.#now();
    this.#byCase.delete(outcome.caseId);
    this.#byCase.set(outcome.caseId, { outcome, at });
    // Insertion order is age order: drop the lapsed, then any beyond the bound.
    for (const [caseId, entry] of this.#byCase) {
      if (at - entry.at < this.#ttlMs && this.#byCase.size <= this.#max) break;
      this.#byCase.delete(caseId);
    }
  }

  get(caseId: string): CaseOutcome | undefined {
    const entry = this.#byCase.get(caseId);
    return entry && this.#now() - entry.at < this.#ttlMs ? entry.outcome : undefined;
  }
}
