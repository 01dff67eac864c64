/**
 * What the fake HubSpot CRM knows of a portal before anyone writes to it: HubSpot's own Company
 * properties, and the groups, types, field types and search operators a request may name. Data only.
 */

/** HubSpot-defined Company properties every portal has (all in the `companyinformation` group). */
export const HUBSPOT_PROPERTIES: ReadonlyArray<
  [name: string, label: string, type: string, fieldType: string, readOnly: boolean]
> = [
  ['hs_object_id', 'Record ID', 'number', 'number', true],
  ['createdate', 'Create Date', 'datetime', 'date', true],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true],
  ['name', 'Company name', 'string', 'text', false],
  ['domain', 'Company Domain Name', 'string', 'text', false],
  ['country', 'Country/Region', 'string', 'text', false],
  ['city', 'City', 'string', 'text', false],
  ['phone', 'Phone Number', 'string', 'phonenumber', false],
  ['industry', 'Industry', 'enumeration', 'select', false],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', false],
  ['description', 'Description', 'string', 'textarea', false],
];

/** The Company property groups a new property may join. */
export const GROUPS = new Set([
  'companyinformation',
  'company_activity',
  'analyticsinformation',
  'socialmediainformation',
]);
/** Property types HubSpot accepts. */
export const TYPES = new Set(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']);
/** Property field types HubSpot accepts. */
export const FIELD_TYPES = new Set([
  'text',
  'textarea',
  'date',
  'number',
  'select',
  'radio',
  'checkbox',
  'booleancheckbox',
  'phonenumber',
  'file',
  'html',
  'calculation_equation',
]);
/** The properties a read returns when it names none, as HubSpot does. */
export const DEFAULT_READ = ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'];
/** The search filter operators this fake implements (a subset of HubSpot's). */
export const SEARCH_OPERATORS = new Set(['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);
