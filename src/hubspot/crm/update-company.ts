import { hubSpotSender, type HubSpotConnectionOptions, type HubSpotSend } from './http';
import { HubSpotApiError } from './errors';
import {
  checkEvent,
  CLOCK_OF,
  eventTimeMs,
  resolvePropertyNames,
  roleValuesFromEvent,
  WRITE_BACK_ROLES,
  type CompanyPropertyOptions,
  type FmlEventLike,
  type WriteBackRole,
} from './properties';

/** Options of {@link updateCompanyFromEvent}. */
export interface UpdateCompanyOptions extends HubSpotConnectionOptions, CompanyPropertyOptions {
  /**
   * Leave out what an older event would overwrite. FML retries and redeliveries arrive out of order,
   * so each kind of fact is ordered by its own timestamp on the Company: the status by
   * `fml_case_status_at`, the decision by `fml_decision_at`, the stage by `fml_onboarding_stage_at`, the last-event pair and case id by
   * `fml_last_event_at`. A property is left out only when its own timestamp is newer than the event —
   * a stage event at 10:05 never hides a status event at 10:00 that arrives after it. Costs one GET
   * (none when the lookup was a search, which returns the timestamps). Two receivers racing on one
   * Company can still interleave between the read and the write; process one Company's events one at
   * a time if that matters.
   * @default true
   */
  skipStale?: boolean;
}

/** What {@link updateCompanyFromEvent} did. */
export interface UpdateCompanyResult {
  /** `updated`: the Company was patched. `skipped`: nothing was written (see `reason`). */
  outcome: 'updated' | 'skipped';
  /**
   * Why nothing was written: `stale` (every property the event carries already holds a value at least
   * as new), `not_found` (no Company with that id or that `fml_case_id` — a just-written `fml_case_id`
   * can take a moment to become searchable, so a later redelivery may find it), `not_hubspot` (the
   * case came from another CRM).
   */
  reason?: 'stale' | 'not_found' | 'not_hubspot';
  /** The Company's id, when one was found. */
  companyId?: string;
  /** How the Company was found: by the event's `crmRecordId`, or by a search on `fml_case_id`. */
  foundBy?: 'crm-record-id' | 'search';
  /** The properties written (or, when skipped, that would have been). */
  properties: Record<string, string>;
  /**
   * Properties the event carries that were left out because the Company holds a newer value for them
   * (e.g. `fml_last_event` when a newer event of another type was applied first). Present when the
   * timestamps were read.
   */
  staleProperties?: string[];
  /** The Company's `fml_last_event_at` before this event, when it was read. */
  previousEventAt?: string | null;
}

interface CompanyObject {
  id: string;
  properties?: Record<string, string | null | undefined>;
}

type Clock = (typeof CLOCK_OF)[WriteBackRole];

/**
 * Writes an FML event onto its HubSpot Company: `PATCH /crm/v3/objects/companies/{crmRecordId}` with
 * {@link companyPropertiesFromEvent}'s properties, less those the Company already holds newer values
 * for (see `skipStale`). When the event has no `crmRecordId`, or that Company is gone (merged or
 * deleted), it finds the Company by `fml_case_id` instead (`POST /crm/v3/objects/companies/search`).
 * Retries HubSpot's 429s (honouring `Retry-After`, else backing off from a second) and 5xx, each
 * attempt under a timeout; a daily-limit 429 or a `Retry-After` beyond `maxRetryAfterMs` is thrown at
 * once, so a webhook receiver can answer 5xx and be redelivered.
 *
 * @example
 * const result = await updateCompanyFromEvent(event, { accessToken: process.env.HUBSPOT_TOKEN });
 * // { outcome: 'updated', companyId: '123', foundBy: 'crm-record-id', properties: { fml_case_status: 'approved', ... } }
 */
export async function updateCompanyFromEvent(
  event: FmlEventLike,
  options: UpdateCompanyOptions,
): Promise<UpdateCompanyResult> {
  const send = hubSpotSender(options);
  checkEvent(event);
  const names = resolvePropertyNames(options);
  const values = roleValuesFromEvent(event);
  const properties = named(names, values, () => true);
  const source = typeof event.crmSource === 'string' ? event.crmSource.trim().toLowerCase() : '';
  if (source !== '' && source !== 'hubspot') return { outcome: 'skipped', reason: 'not_hubspot', properties };

  // The clock property ordering each role: its own, else (when that one is switched off) the last-event one.
  const clockOf = (role: WriteBackRole): string | undefined => {
    if (options.skipStale === false) return undefined;
    const own: Clock = CLOCK_OF[role];
    return names[own] ?? names.lastEventAt;
  };
  const clocks = [
    ...new Set(
      WRITE_BACK_ROLES.filter((r) => values[r] !== undefined && names[r] !== undefined)
        .map(clockOf)
        .filter((c): c is string => c !== undefined),
    ),
  ];
  const recordId =
    typeof event.crmRecordId === 'string'
      ? event.crmRecordId.trim()
      : typeof event.crmRecordId === 'number'
        ? String(event.crmRecordId)
        : '';

  let company:
    | { id: string; held: Record<string, string | null | undefined>; foundBy: 'crm-record-id' | 'search' }
    | undefined;
  if (recordId !== '') {
    if (clocks.length === 0) {
      // Nothing to compare: write straight away, and look further only if the id is gone.
      const patched = await patch(send, recordId, properties);
      if (patched) return { outcome: 'updated', companyId: recordId, foundBy: 'crm-record-id', properties };
    } else {
      const found = await getCompany(send, recordId, clocks);
      if (found) company = { id: found.id, held: found.properties ?? {}, foundBy: 'crm-record-id' };
    }
  }
  if (!company && names.caseId) {
    const found = await searchByCaseId(send, names.caseId, String(event.caseId).trim(), clocks);
    if (found) company = { id: found.id, held: found.properties ?? {}, foundBy: 'search' };
  }
  if (!company) return { outcome: 'skipped', reason: 'not_found', properties };

  const held = company.held;
  const heldAt = (property: string): string | null | undefined =>
    Object.hasOwn(held, property) ? held[property] : undefined;
  const isFresh = (role: WriteBackRole): boolean => {
    const clock = clockOf(role);
    return clock === undefined || !isOlder(event.timestamp, heldAt(clock));
  };
  const fresh = named(names, values, isFresh);
  const staleProperties = Object.keys(properties).filter((p) => !Object.hasOwn(fresh, p));
  const base = {
    companyId: company.id,
    foundBy: company.foundBy,
    ...(clocks.length ? { staleProperties } : {}),
    ...(clocks.length && names.lastEventAt ? { previousEventAt: heldAt(names.lastEventAt) ?? null } : {}),
  };
  if (Object.keys(fresh).length === 0) return { outcome: 'skipped', reason: 'stale', properties, ...base };
  if (!(await patch(send, company.id, fresh)))
    return { outcome: 'skipped', reason: 'not_found', properties: fresh, ...base };
  return { outcome: 'updated', properties: fresh, ...base };
}

/** The named properties of the roles `keep` accepts, in write order. */
function named(
  names: Partial<Record<WriteBackRole, string>>,
  values: Partial<Record<WriteBackRole, string>>,
  keep: (role: WriteBackRole) => boolean,
): Record<string, string> {
  // Literal role keys into a fresh object; property names were checked against HubSpot's name rules.
  const out: Record<string, string> = {};
  for (const role of WRITE_BACK_ROLES) {
    const name = names[role];
    const value = values[role];
    if (name !== undefined && value !== undefined && keep(role)) out[name] = value;
  }
  return out;
}

/** Is `timestamp` strictly earlier than what the Company holds? Unreadable values never count as newer. */
function isOlder(timestamp: string, held: string | null | undefined): boolean {
  if (held === null || held === undefined || held === '') return false;
  // HubSpot returns datetime properties as ISO strings, but a text property may hold epoch milliseconds.
  const heldMs = /^\d+$/.test(held) ? Number(held) : Date.parse(held);
  return !Number.isNaN(heldMs) && eventTimeMs(timestamp) < heldMs;
}

/** PATCHes the Company; false when HubSpot has no such Company (404). */
async function patch(send: HubSpotSend, id: string, properties: Record<string, string>): Promise<boolean> {
  try {
    await send('PATCH', `/crm/v3/objects/companies/${encodeURIComponent(id)}`, { properties }, `PATCH company ${id}`);
    return true;
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 404) return false;
    throw error;
  }
}

async function getCompany(send: HubSpotSend, id: string, properties: string[]): Promise<CompanyObject | undefined> {
  try {
    const res = await send<CompanyObject>(
      'GET',
      `/crm/v3/objects/companies/${encodeURIComponent(id)}?properties=${properties.map(encodeURIComponent).join(',')}`,
      undefined,
      `GET company ${id}`,
    );
    return res.data && typeof res.data.id === 'string' ? res.data : undefined;
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function searchByCaseId(
  send: HubSpotSend,
  caseIdProperty: string,
  caseId: string,
  properties: string[],
): Promise<CompanyObject | undefined> {
  const body = {
    filterGroups: [{ filters: [{ propertyName: caseIdProperty, operator: 'EQ', value: caseId }] }],
    properties: [...new Set([caseIdProperty, ...properties])],
    limit: 1,
  };
  const res = await send<{ results?: CompanyObject[] }>(
    'POST',
    '/crm/v3/objects/companies/search',
    body,
    `search companies by ${caseIdProperty}`,
  );
  const first = Array.isArray(res.data?.results) ? res.data.results[0] : undefined;
  return first && typeof first.id === 'string' ? first : undefined;
}
