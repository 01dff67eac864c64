/**
 * The longest value FML's `POST /v1/cases` accepts per field, in characters. FML has not published
 * limits; these are the SDK's decision, recorded as `maxLength` (with `x-fml-inferred: true`) on
 * `CreateCaseRequest` in openapi.yaml — test/contract checks the two agree. One table, read by the
 * client's zod schema, the paste-ready HubSpot action's lite validator and the sandbox, so all three
 * reject exactly the same bodies.
 */
export const CREATE_CASE_LIMITS = Object.freeze({
  /** RFC 5321: the longest address a mail path carries. */
  customerEmail: 254,
  customerName: 500,
  companyName: 500,
  country: 200,
  crmRecordId: 255,
  crmSource: 100,
} as const);

/** The optional text fields of a create-case body, in the schema's key order (issues are reported in it). */
export const CREATE_CASE_TEXT_FIELDS = ['customerName', 'companyName', 'country', 'crmRecordId', 'crmSource'] as const;
