// Public entry: @firstmilelabs/cases/hubspot — HubSpot Company → FML case, the Custom Code action, and
// FML events written back onto the Company.
export {
  companyToCreateCase,
  type CompanyToCaseOptions,
  type CompanyCaseRequest,
  type CompanyInput,
} from './company/company-to-case';
export {
  hubspotCustomCodeAction,
  type CustomCodeActionOptions,
  type CustomCodeHandler,
  type HubSpotActionEvent,
} from './custom-code/action';
export { MAX_OUTPUT_CHARS, type CustomCodeOutputFields, type CustomCodeResult } from './custom-code/outputs';
export { RetryableActionError, type RetryResponse } from './custom-code/retry-error';
export {
  companyPropertiesFromEvent,
  DEFAULT_PROPERTY_NAMES,
  type CompanyPropertyOptions,
  type FmlEventLike,
  type WriteBackRole,
} from './crm/properties';
export { updateCompanyFromEvent, type UpdateCompanyOptions, type UpdateCompanyResult } from './crm/update-company';
export {
  ensureCompanyProperties,
  companyPropertyDefinitions,
  type EnsurePropertiesOptions,
  type EnsurePropertiesResult,
  type CompanyPropertyDefinition,
} from './crm/ensure-properties';
export { HubSpotApiError } from './crm/errors';
export { HUBSPOT_API_URL, type HubSpotConnectionOptions } from './crm/http';

// The app-defined workflow action (its own issue and folder).
export * from './workflow-action';
