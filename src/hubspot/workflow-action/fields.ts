// The names of the action's input and output fields. The definition declares them and the handler reads
// and writes them, so both take them from here: renaming one in only one place would break every
// workflow that already uses the action.

/** The action's input fields, as named in the definition and in HubSpot's execution requests. */
export const INPUT_FIELDS = {
  contactEmail: 'contactEmail',
  contactName: 'contactName',
  companyName: 'companyName',
  country: 'country',
  sendInvite: 'sendInvite',
  waitForDecision: 'waitForDecision',
  /** How long to wait for the decision; shown only when waitForDecision is "true". */
  blockExpiration: 'blockExpiration',
  /** Which Company property holds the contact's email (options fetched from the portal). */
  contactEmailProperty: 'contactEmailProperty',
  /** Which Company property holds the contact's name (options fetched from the portal). */
  contactNameProperty: 'contactNameProperty',
} as const;

/** The inputs whose options are fetched from the portal (`optionsUrl`) while a user edits the action. */
export const OPTION_FETCH_FIELDS = [INPUT_FIELDS.contactEmailProperty, INPUT_FIELDS.contactNameProperty] as const;
export type OptionFetchField = (typeof OPTION_FETCH_FIELDS)[number];

/** The waits the "wait for the decision" expiry offers (ISO 8601 durations), shortest first. */
export const BLOCK_EXPIRATIONS = ['P1D', 'P3D', 'P1W', 'P2W', 'P30D'] as const;
export type BlockExpiration = (typeof BLOCK_EXPIRATIONS)[number];

/** The action's output fields: what a later workflow step (or a branch) can read. */
export const OUTPUT_FIELDS = {
  caseId: 'caseId',
  customerPortalUrl: 'customerPortalUrl',
  status: 'status',
  decision: 'decision',
  errorCode: 'errorCode',
  errorMessage: 'errorMessage',
} as const;

/** The name of one of the action's input fields (`crmRecordId`, `companyName`, …), as HubSpot sends it. */
export type InputFieldName = (typeof INPUT_FIELDS)[keyof typeof INPUT_FIELDS];
/** The name of one of the action's output fields (`caseId`, `status`, `errorCode`, …), as workflows read it. */
export type OutputFieldName = (typeof OUTPUT_FIELDS)[keyof typeof OUTPUT_FIELDS];

/**
 * Company properties HubSpot sends along with each execution (`objectRequestOptions`): the company
 * name and country fill in for empty inputs, and the domain stands in for a company without a name.
 */
export const DEFAULT_OBJECT_PROPERTIES: readonly string[] = ['name', 'country', 'domain'];
