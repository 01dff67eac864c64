import { hubSpotSender, type HubSpotConnectionOptions, type HubSpotSend } from './http';
import { HubSpotApiError } from './errors';
import { checkEvent, companyPropertiesFromEvent, resolvePropertyNames, type CompanyPropertyOptions, type FmlEventLike } from './properties';

/** Options of {@link updateCompanyFromEvent}. */
export interface UpdateCompanyOptions extends HubSpotConnectionOptions, CompanyPropertyOptions {
  /**
   * Skip an event older than the last one applied to the Company. Reads the Company's
   * `fml_last_event_at` first (one extra GET; none when the lookup was a search, which returns it) and
   * skips the event when its `timestamp` is earlier — FML retries and redeliveries can arrive out of
   * order. Two receivers racing on one Company can still interleave between the read and the write;
   * process one Company's events one at a time if that matters.
   * @default true
   */
  skipStale?: boolean;
}

/** What {@link updateCompanyFromEvent} did. */
export interface UpdateCompanyResult {
  /** `updated`: the Company was patched. `skipped`: nothing was written (see `reason`). */
  outcome: 'updated' | 'skipped';
  /**
   * Why nothing was written: `stale` (an event at least as new was already applied), `not_found` (no
   * Company with that id or that `fml_case_id` — a just-written `fml_case_id` can take a moment to become
   * searchable, so a later redelivery may find it), `not_hubspot` (the case came from another CRM).
   */
  reason?: 'stale' | 'not_found' | 'not_hubspot';
  /** The Company's id, when one was found. */
  companyId?: string;
  /** How the Company was found: by the event's `crmRecordId`, or by a search on `fml_case_id`. */
  foundBy?: 'crm-record-id' | 'search';
  /** The properties written (or that would have been). */
  properties: Record<string, string>;
  /** The Company's `fml_last_event_at` before this event, when it was read. */
  previousEventAt?: string | null;
}

interface CompanyObject {
  id: string;
  properties?: Record<string, string | null | undefined>;
}

/**
 * Writes an FML event onto its HubSpot Company: `PATCH /crm/v3/objects/companies/{crmRecordId}` with
 * {@link companyPropertiesFromEvent}'s properties. When the event has no `crmRecordId`, or that Company
 * is gone (merged or deleted), it finds the Company by `fml_case_id` instead
 * (`POST /crm/v3/objects/companies/search`). Retries HubSpot's 429s (honouring `Retry-After`, else
 * backing off from a second) and 5xx, each attempt under a timeout; a daily-limit 429 or a `Retry-After`
 * beyond `maxRetryAfterMs` is thrown at once, so a webhook receiver can answer 5xx and be redelivered.
 *
 * @example
 * const result = await updateCompanyFromEvent(event, { accessToken: process.env.HUBSPOT_TOKEN });
 * // { outcome: 'updated', companyId: '123', foundBy: 'crm-record-id', properties: { fml_case_status: 'approved', ... } }
 */
export async function updateCompanyFromEvent(event: FmlEventLike, options: UpdateCompanyOptions): Promise<UpdateCompanyResult> {
  const send = hubSpotSender(options);
  checkEvent(event);
  const names = resolvePropertyNames(options);
  const properties = companyPropertiesFromEvent(event, options);
  const source = typeof event.crmSource === 'string' ? event.crmSource.trim().toLowerCase() : '';
  if (source !== '' && source !== 'hubspot') return { outcome: 'skipped', reason: 'not_hubspot', properties };

  const lastAtName = options.skipStale === false ? undefined : names.lastEventAt;
  const recordId = typeof event.crmRecordId === 'string' ? event.crmRecordId.trim() : typeof event.crmRecordId === 'number' ? String(event.crmRecordId) : '';

  let company: { id: string; lastEventAt: string | null | undefined; foundBy: 'crm-record-id' | 'search' } | undefined;
  if (recordId !== '') {
    if (lastAtName === undefined) {
      // Nothing to compare: write straight away, and look further only if the id is gone.
      const patched = await patch(send, recordId, properties);
      if (patched) return { outcome: 'updated', companyId: recordId, foundBy: 'crm-record-id', properties };
    } else {
      const found = await getCompany(send, recordId, lastAtName);
      if (found) company = { id: found.id, lastEventAt: found.properties?.[lastAtName], foundBy: 'crm-record-id' };
    }
  }
  if (!company && names.caseId) {
    const found = await searchByCaseId(send, names.caseId, String(event.caseId).trim(), lastAtName);
    if (found) company = { id: found.id, lastEventAt: lastAtName ? found.properties?.[lastAtName] : undefined, foundBy: 'search' };
  }
  if (!company) return { outcome: 'skipped', reason: 'not_found', properties };

  const base = { companyId: company.id, foundBy: company.foundBy, properties, ...(lastAtName ? { previousEventAt: company.lastEventAt ?? null } : {}) };
  if (lastAtName && isOlder(event.timestamp, company.lastEventAt)) return { outcome: 'skipped', reason: 'stale', ...base };
  if (!(await patch(send, company.id, properties))) return { outcome: 'skipped', reason: 'not_found', ...base };
  return { outcome: 'updated', ...base };
}

/** Is `timestamp` strictly earlier than what the Company holds? Unreadable values never count as newer. */
function isOlder(timestamp: string, held: string | null | undefined): boolean {
  if (held === null || held === undefined || held === '') return false;
  // HubSpot returns datetime properties as ISO strings, but a text property may hold epoch milliseconds.
  const heldMs = /^\d+$/.test(held) ? Number(held) : Date.parse(held);
  return !Number.isNaN(heldMs) && Date.parse(timestamp) < heldMs;
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

async function getCompany(send: HubSpotSend, id: string, property: string): Promise<CompanyObject | undefined> {
  try {
    const res = await send<CompanyObject>('GET', `/crm/v3/objects/companies/${encodeURIComponent(id)}?properties=${encodeURIComponent(property)}`, undefined, `GET company ${id}`);
    return res.data && typeof res.data.id === 'string' ? res.data : undefined;
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function searchByCaseId(send: HubSpotSend, caseIdProperty: string, caseId: string, property: string | undefined): Promise<CompanyObject | undefined> {
  const body = {
    filterGroups: [{ filters: [{ propertyName: caseIdProperty, operator: 'EQ', value: caseId }] }],
    properties: [caseIdProperty, ...(property ? [property] : [])],
    limit: 1,
  };
  const res = await send<{ results?: CompanyObject[] }>('POST', '/crm/v3/objects/companies/search', body, `search companies by ${caseIdProperty}`);
  const first = Array.isArray(res.data?.results) ? res.data.results[0] : undefined;
  return first && typeof first.id === 'string' ? first : undefined;
}
