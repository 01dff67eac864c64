import { DEFAULT_READ, HUBSPOT_PROPERTIES } from './fake-hubspot-catalogue';
import type { FakeCompany, FakeHubSpot, FakePropertyDefinition } from './fake-hubspot-types';

/**
 * The fake HubSpot CRM's state: its Companies, each value's write history (so search can lag behind
 * like HubSpot's index), and the Company property definitions. No HTTP here: the routes read and write
 * it, and `startFakeHubSpot` hands parts of it to tests.
 */
export interface CrmStore {
  /** Companies by id. */
  readonly companies: Map<string, FakeCompany>;
  /** Company property definitions by name (HubSpot's defaults plus defined ones). */
  readonly definitions: Map<string, FakePropertyDefinition>;
  /** The clock's now, as ISO 8601. */
  iso(): string;
  /** Defines a custom Company property (single-line text unless told otherwise). */
  defineProperty: FakeHubSpot['defineProperty'];
  /** Adds a Company with HubSpot's read-only properties set, then the given values. */
  createCompany: FakeHubSpot['createCompany'];
  /** Sets a value on a company and remembers when it was written. */
  record(company: FakeCompany, name: string, value: string | null): void;
  /** The value search sees: the newest write older than the lag. */
  indexed(company: FakeCompany, name: string): string | null;
  /** A company as HubSpot serialises it, with the requested properties (null when unset). */
  view(company: FakeCompany, wanted: string[] | undefined): unknown;
}

export interface CrmStoreOptions {
  now: () => number;
  /** How long a write stays invisible to search. */
  searchLagMs: number;
  /** Custom Company properties the portal starts with. */
  properties: readonly string[];
}

export function createCrmStore({ now, searchLagMs, properties: custom }: CrmStoreOptions): CrmStore {
  const companies = new Map<string, FakeCompany>();
  // When each value was written, so search can lag behind like HubSpot's index.
  const writes = new Map<string, Map<string, { value: string | null; at: number }[]>>();
  const definitions = new Map<string, FakePropertyDefinition>();
  let nextId = 10_000_000_001;
  const iso = () => new Date(now()).toISOString();

  for (const [name, label, type, fieldType, readOnly] of HUBSPOT_PROPERTIES) {
    definitions.set(name, {
      name,
      label,
      type,
      fieldType,
      groupName: 'companyinformation',
      readOnly,
      hubspotDefined: true,
    });
  }
  const defineProperty: FakeHubSpot['defineProperty'] = (name, init = {}) => {
    const def: FakePropertyDefinition = {
      name,
      label: init.label ?? name,
      type: init.type ?? 'string',
      fieldType: init.fieldType ?? 'text',
      groupName: init.groupName ?? 'companyinformation',
      ...(init.description ? { description: init.description } : {}),
      readOnly: false,
      hubspotDefined: false,
    };
    definitions.set(name, def);
    return def;
  };
  for (const name of custom) defineProperty(name);

  const record = (company: FakeCompany, name: string, value: string | null) => {
    Object.defineProperty(company.properties, name, { value, enumerable: true, writable: true, configurable: true });
    let perCompany = writes.get(company.id);
    if (!perCompany) {
      perCompany = new Map();
      writes.set(company.id, perCompany);
    }
    const log = perCompany.get(name) ?? [];
    log.push({ value, at: now() });
    perCompany.set(name, log);
  };
  const indexed = (company: FakeCompany, name: string): string | null => {
    const log = writes.get(company.id)?.get(name);
    if (!log) return company.properties[name] ?? null;
    const cutoff = now() - searchLagMs;
    return log.findLast((w) => w.at <= cutoff)?.value ?? null;
  };

  const createCompany: FakeHubSpot['createCompany'] = (properties = {}) => {
    const id = String(nextId++);
    const at = iso();
    const company: FakeCompany = { id, properties: {}, createdAt: at, updatedAt: at };
    companies.set(id, company);
    record(company, 'hs_object_id', id);
    record(company, 'createdate', at);
    record(company, 'hs_lastmodifieddate', at);
    for (const key of Object.keys(properties)) record(company, key, properties[key] ?? null);
    return company;
  };

  const view = (company: FakeCompany, wanted: string[] | undefined) => {
    const names = wanted?.length
      ? [...new Set(['createdate', 'hs_lastmodifieddate', 'hs_object_id', ...wanted])]
      : DEFAULT_READ;
    const properties: Record<string, string | null> = {};
    for (const n of names)
      Object.defineProperty(properties, n, {
        value: (Object.hasOwn(company.properties, n) ? company.properties[n] : null) ?? null,
        enumerable: true,
        writable: true,
      });
    return { id: company.id, properties, createdAt: company.createdAt, updatedAt: company.updatedAt, archived: false };
  };

  return { companies, definitions, iso, defineProperty, createCompany, record, indexed, view };
}
