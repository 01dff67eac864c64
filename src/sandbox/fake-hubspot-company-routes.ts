import { hsError } from './fake-hubspot-answers';
import { searchCompanies } from './fake-hubspot-search';
import type { CrmStore } from './fake-hubspot-store';
import type { FakeRouteHandler } from './fake-hubspot-types';
import { checkProperties, isRecord } from './fake-hubspot-validation';
import type { Route } from './shell/route-table';

/**
 * The fake's Companies API: create (`POST /crm/v3/objects/companies`), search (`…/search`), read
 * (`GET …/{id}?properties=`) and update (`PATCH …/{id}`), each answering with the properties it
 * wrote or was asked for.
 */
export function companyRoutes(store: CrmStore): Route<FakeRouteHandler>[] {
  return [
    [
      'POST',
      /^\/crm\/v3\/objects\/companies$/,
      (req) => {
        if (!isRecord(req.body))
          return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(store.definitions, req.body.properties ?? {});
        if (!checked.ok) return checked.response;
        const company = store.createCompany();
        for (const [n, v] of checked.values) store.record(company, n, v);
        return {
          status: 201,
          body: store.view(
            company,
            checked.values.map(([n]) => n),
          ),
        };
      },
    ],
    ['POST', /^\/crm\/v3\/objects\/companies\/search$/, (req) => searchCompanies(store, req.body)],
    [
      'GET',
      /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      (req) => {
        const company = store.companies.get(req.params[0] ?? '');
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        const wanted = req.query
          .getAll('properties')
          .flatMap((p) => p.split(','))
          .map((p) => p.trim())
          .filter(Boolean);
        return { status: 200, body: store.view(company, wanted) };
      },
    ],
    [
      'PATCH',
      /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      (req) => {
        const company = store.companies.get(req.params[0] ?? '');
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        if (!isRecord(req.body) || !('properties' in req.body))
          return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(store.definitions, req.body.properties);
        if (!checked.ok) return checked.response;
        for (const [n, v] of checked.values) store.record(company, n, v);
        company.updatedAt = store.iso();
        store.record(company, 'hs_lastmodifieddate', company.updatedAt);
        return {
          status: 200,
          body: store.view(
            company,
            checked.values.map(([n]) => n),
          ),
        };
      },
    ],
  ];
}
