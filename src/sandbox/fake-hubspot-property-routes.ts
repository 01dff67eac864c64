import { hsError } from './fake-hubspot-answers';
import type { CrmStore } from './fake-hubspot-store';
import type { FakePropertyDefinition, FakeRouteHandler } from './fake-hubspot-types';
import { checkPropertyDefinition } from './fake-hubspot-validation';
import type { Route } from './shell/route-table';

/**
 * The fake's Company properties API: create a custom property (`POST /crm/v3/properties/companies`),
 * list the portal's properties (`GET`, one page: HubSpot does not page this list) and read one
 * (`GET …/{name}`).
 */
export function propertyRoutes(store: CrmStore): Route<FakeRouteHandler>[] {
  /** A definition as HubSpot's list and read answers show it. */
  const shown = (def: FakePropertyDefinition) => ({
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    groupName: def.groupName,
    description: def.description ?? '',
  });
  return [
    [
      'POST',
      /^\/crm\/v3\/properties\/companies$/,
      (req) => {
        const checked = checkPropertyDefinition(store.definitions, req.body);
        if (!checked.ok) return checked.response;
        const def = store.defineProperty(checked.name, checked.init);
        const at = store.iso();
        return {
          status: 201,
          body: {
            ...shown(def),
            createdAt: at,
            updatedAt: at,
            hidden: false,
            formField: false,
            calculated: false,
            externalOptions: false,
            hasUniqueValue: false,
            options: [],
          },
        };
      },
    ],
    [
      // The portal's Company properties, HubSpot's and custom ones alike (one page: HubSpot does not page this list).
      'GET',
      /^\/crm\/v3\/properties\/companies$/,
      () => ({
        status: 200,
        body: {
          results: [...store.definitions.values()].map((def) => ({
            ...shown(def),
            hidden: false,
            hubspotDefined: def.hubspotDefined,
            modificationMetadata: { readOnlyValue: def.readOnly },
          })),
        },
      }),
    ],
    [
      'GET',
      /^\/crm\/v3\/properties\/companies\/([^/]+)$/,
      (req) => {
        const def = store.definitions.get(req.params[0] ?? '');
        if (!def) return hsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${req.params[0]}`);
        return {
          status: 200,
          body: {
            ...shown(def),
            hubspotDefined: def.hubspotDefined,
            modificationMetadata: { readOnlyValue: def.readOnly },
          },
        };
      },
    ],
  ];
}
