import { hsError } from './fake-hubspot-answers';
import { SEARCH_OPERATORS } from './fake-hubspot-catalogue';
import type { CrmStore } from './fake-hubspot-store';
import type { FakeCompany, FakeRouteResponse } from './fake-hubspot-types';
import { isRecord } from './fake-hubspot-validation';

/**
 * The fake's Company search (`POST /crm/v3/objects/companies/search`): HubSpot's limits on filter
 * groups, filters, `limit` and the `after` cursor, the operators in `SEARCH_OPERATORS`, matched against
 * the lagging index (`CrmStore.indexed`), so a test sees what HubSpot's eventually consistent search sees.
 */

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
}

export function searchCompanies(store: CrmStore, body: unknown): FakeRouteResponse {
  if (!isRecord(body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a search request.');
  const groups = body.filterGroups ?? [];
  if (!Array.isArray(groups) || groups.length > 5)
    return hsError(400, 'VALIDATION_ERROR', 'filterGroups must be a list of at most 5 groups.');
  const limit = body.limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200)
    return hsError(400, 'VALIDATION_ERROR', 'limit must be a whole number from 1 to 200.');
  const after = body.after === undefined ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0)
    return hsError(400, 'VALIDATION_ERROR', 'after must be a paging cursor from an earlier page.');
  const wanted =
    body.properties === undefined
      ? undefined
      : Array.isArray(body.properties) && body.properties.every((p) => typeof p === 'string')
        ? (body.properties as string[])
        : null;
  if (wanted === null) return hsError(400, 'VALIDATION_ERROR', 'properties must be a list of property names.');
  const filters: Filter[][] = [];
  for (const g of groups) {
    if (!isRecord(g) || !Array.isArray(g.filters) || g.filters.length > 6)
      return hsError(400, 'VALIDATION_ERROR', 'Each filter group needs a list of at most 6 filters.');
    const list = [];
    for (const f of g.filters) {
      if (!isRecord(f) || typeof f.propertyName !== 'string' || typeof f.operator !== 'string')
        return hsError(400, 'VALIDATION_ERROR', 'Each filter needs propertyName and operator.');
      if (!SEARCH_OPERATORS.has(f.operator))
        return hsError(
          400,
          'VALIDATION_ERROR',
          `Operator ${f.operator} is not supported by this fake (supported: ${[...SEARCH_OPERATORS].join(', ')}).`,
        );
      if (!store.definitions.has(f.propertyName))
        return hsError(
          400,
          'VALIDATION_ERROR',
          `There was a problem with the request: property ${f.propertyName} does not exist.`,
        );
      if ((f.operator === 'EQ' || f.operator === 'NEQ') && f.value === undefined)
        return hsError(400, 'VALIDATION_ERROR', `Operator ${f.operator} needs a value.`);
      list.push({
        propertyName: f.propertyName,
        operator: f.operator,
        ...(f.value === undefined ? {} : { value: String(f.value) }),
      });
    }
    filters.push(list);
  }
  const matches = (c: FakeCompany, f: Filter) => {
    const v = store.indexed(c, f.propertyName);
    if (f.operator === 'HAS_PROPERTY') return v !== null;
    if (f.operator === 'NOT_HAS_PROPERTY') return v === null;
    return f.operator === 'EQ' ? v === f.value : v !== f.value;
  };
  const all = [...store.companies.values()].filter(
    (c) => filters.length === 0 || filters.some((g) => g.every((f) => matches(c, f))),
  );
  const page = all.slice(after, after + limit);
  const next = after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {};
  return { status: 200, body: { total: all.length, results: page.map((c) => store.view(c, wanted)), ...next } };
}
