import { FmlConfigError, ValidationError } from '../../errors';
import { rfc3339ToEpochMs } from '../../internal/validation/json-values';

/**
 * What the write-back needs from an FML event: the common fields every webhook (and feed item) has.
 * Any parsed event from `@firstmilelabs/cases/webhooks` fits, known or unknown.
 */
export interface FmlEventLike {
  event: string;
  eventId?: string;
  timestamp: string;
  caseId: string;
  crmRecordId?: string | null;
  crmSource?: string | null;
  [field: string]: unknown;
}

/**
 * The Company properties the write-back fills, by role. Each kind of fact keeps its own clock, so an
 * event of one type never makes an older event of another type look stale: `caseStatusAt` orders
 * `caseStatus`, `decisionAt` orders `decision`, `onboardingStageAt` orders `onboardingStage`, and
 * `lastEventAt` orders `lastEvent` and `caseId` (the latest event seen; it only moves forward). The
 * decision has its own clock because `case.status.changed` moves the status clock without carrying a
 * decision: sharing it would let a status event 1 ms newer, applied first, drop the decision for good.
 */
export type WriteBackRole =
  | 'caseId'
  | 'caseStatus'
  | 'onboardingStage'
  | 'decision'
  | 'lastEvent'
  | 'lastEventAt'
  | 'caseStatusAt'
  | 'onboardingStageAt'
  | 'decisionAt';

/** Options naming the Company properties the write-back fills. */
export interface CompanyPropertyOptions {
  /**
   * The Company property for each role; `false` leaves that role out. Leaving out `caseStatusAt`,
   * `onboardingStageAt` or `decisionAt` makes `updateCompanyFromEvent` order that role by `lastEventAt` instead — the
   * coarse rule, under which a newer event of another type hides an older status or stage.
   * @default { caseId: 'fml_case_id', caseStatus: 'fml_case_status', onboardingStage: 'fml_onboarding_stage', decision: 'fml_decision', lastEvent: 'fml_last_event', lastEventAt: 'fml_last_event_at', caseStatusAt: 'fml_case_status_at', onboardingStageAt: 'fml_onboarding_stage_at', decisionAt: 'fml_decision_at' }
   */
  properties?: Partial<Record<WriteBackRole, string | false>>;
}

/** Default Company property per role. */
export const DEFAULT_PROPERTY_NAMES: Readonly<Record<WriteBackRole, string>> = Object.freeze({
  caseId: 'fml_case_id',
  caseStatus: 'fml_case_status',
  onboardingStage: 'fml_onboarding_stage',
  decision: 'fml_decision',
  lastEvent: 'fml_last_event',
  lastEventAt: 'fml_last_event_at',
  caseStatusAt: 'fml_case_status_at',
  onboardingStageAt: 'fml_onboarding_stage_at',
  decisionAt: 'fml_decision_at',
});

const ROLES = Object.keys(DEFAULT_PROPERTY_NAMES) as WriteBackRole[];
// HubSpot internal names: lower case letters, digits and underscores, starting with a letter.
const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,99}$/;

/** Property names with defaults applied; a role set to `false` is absent. */
export function resolvePropertyNames(options: CompanyPropertyOptions = {}): Partial<Record<WriteBackRole, string>> {
  const out: Partial<Record<WriteBackRole, string>> = {};
  const given = options.properties ?? {};
  for (const role of ROLES) {
    const v = Object.hasOwn(given, role) ? given[role] : undefined;
    if (v === false) continue;
    const name = v === undefined ? DEFAULT_PROPERTY_NAMES[role] : v;
    if (typeof name !== 'string' || !PROPERTY_NAME.test(name))
      throw new FmlConfigError(
        `HubSpot property for ${role} must be a HubSpot internal name (lower case, digits, underscores), got ${JSON.stringify(name)}.`,
      );
    out[role] = name;
  }
  // The decision's clock dates nothing once the decision is left out; keep it only when named outright.
  if (out.decision === undefined && !Object.hasOwn(given, 'decisionAt')) delete out.decisionAt;
  return out;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The Company property values an FML event implies. Every event sets the case id, the event name and
 * its time; each event adds what it knows, stamped with the event's time in that role's own clock —
 * `case.status.changed` the status (+ `fml_case_status_at`), the onboarding event the stage
 * (+ `fml_onboarding_stage_at`), `case.decision.made` the decision (+ `fml_decision_at`) and the status
 * when sent (+ `fml_case_status_at`).
 * Values FML did not send are left out, so an event never blanks what an earlier one wrote. Unknown
 * (newer) events update the common three.
 *
 * @example
 * companyPropertiesFromEvent({ event: 'case.status.changed', status: 'approved', caseId: 'CS-1', ... })
 * // → { fml_case_id: 'CS-1', fml_case_status: 'approved', fml_case_status_at: '2026-…', fml_last_event: 'case.status.changed', fml_last_event_at: '2026-…' }
 */
export function companyPropertiesFromEvent(
  event: FmlEventLike,
  options: CompanyPropertyOptions = {},
): Record<string, string> {
  const names = resolvePropertyNames(options);
  const values = roleValuesFromEvent(event);
  // Literal role keys into a fresh object; property names were checked against HubSpot's name rules.
  const out: Record<string, string> = {};
  for (const role of ROLES) {
    const name = names[role];
    const value = values[role];
    if (name !== undefined && value !== undefined) out[name] = value;
  }
  return out;
}

/** The value an event implies for each role (see {@link companyPropertiesFromEvent}), before naming. */
export function roleValuesFromEvent(event: FmlEventLike): Partial<Record<WriteBackRole, string>> {
  checkEvent(event);
  const at = new Date(eventTimeMs(event.timestamp)).toISOString();
  const values: Partial<Record<WriteBackRole, string>> = {
    caseId: text(event.caseId),
    lastEvent: text(event.event),
    lastEventAt: at,
  };
  switch (event.event) {
    case 'case.status.changed':
      values.caseStatus = text(event.status);
      break;
    case 'case.onboarding_progress.changed':
      values.onboardingStage = text(event.stage);
      break;
    case 'case.decision.made':
      values.caseStatus = text(event.status);
      values.decision = text(event.decision) ?? text(event.status);
      break;
  }
  // A role's clock moves only with a value for that role, so it always dates the value it sits next to.
  if (values.caseStatus !== undefined) values.caseStatusAt = at;
  if (values.decision !== undefined) values.decisionAt = at;
  if (values.onboardingStage !== undefined) values.onboardingStageAt = at;
  return values;
}

/** Each role, and the role whose timestamp orders it. */
export const CLOCK_OF: Readonly<
  Record<WriteBackRole, 'lastEventAt' | 'caseStatusAt' | 'onboardingStageAt' | 'decisionAt'>
> = Object.freeze({
  caseId: 'lastEventAt',
  lastEvent: 'lastEventAt',
  lastEventAt: 'lastEventAt',
  caseStatus: 'caseStatusAt',
  caseStatusAt: 'caseStatusAt',
  decision: 'decisionAt',
  decisionAt: 'decisionAt',
  onboardingStage: 'onboardingStageAt',
  onboardingStageAt: 'onboardingStageAt',
});

/** Every role, in the order properties are written. */
export const WRITE_BACK_ROLES: readonly WriteBackRole[] = ROLES;

/** Throws a local ValidationError when the event lacks what the write-back needs. */
export function checkEvent(event: FmlEventLike): void {
  const fields = [];
  if (typeof event !== 'object' || event === null)
    throw new ValidationError({ fields: [{ field: '(event)', message: 'must be a parsed FML event object' }] });
  if (!text(event.event)) fields.push({ field: 'event', message: 'is required' });
  if (!text(event.caseId)) fields.push({ field: 'caseId', message: 'is required' });
  if (typeof event.timestamp !== 'string' || Number.isNaN(eventTimeMs(event.timestamp)))
    fields.push({ field: 'timestamp', message: 'must be an ISO date-time' });
  if (fields.length) throw new ValidationError({ fields });
}

/** An event's time in ms: any RFC 3339 form FML sends (lower-case `t`/`z`, a leap second), else whatever `Date.parse` reads. */
export function eventTimeMs(timestamp: string): number {
  const ms = rfc3339ToEpochMs(timestamp);
  return Number.isNaN(ms) ? Date.parse(timestamp) : ms;
}
