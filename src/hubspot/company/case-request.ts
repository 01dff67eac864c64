// The one set of rules that turns a HubSpot Company into `POST /v1/cases`, for both ways the SDK starts a
// case from HubSpot: the Custom Code action (`companyToCreateCase`) and the app-defined workflow action
// (`executionToCreateCase`). The fields filled, the readers (trimming, ids), FML's limits, the
// Idempotency-Key and the wording of every problem live here once; what differs — where each value is
// read from, what the inputs and properties are called, the messages for a missing value, the key's
// portal and suffix — is passed in.
import { ValidationError, type FieldError } from '../../errors';
import { assertIdempotencyKey } from '../../idempotency';
import type { CreateCaseRequest } from '../../types';
import { validateCreateCase } from '../../internal/validation/create-case';
import { ownInput, quote, readRecordId, readText } from './inputs';

/** The five things read from the enrolled Company. */
export type CompanyInput = 'companyId' | 'name' | 'country' | 'email' | 'contact';

/** What the inputs are called (`inputs`, each error's `field`) and what an admin knows them as (`labels`), per role. */
export interface CompanyNames {
  inputs: Record<CompanyInput, string>;
  labels: Record<CompanyInput, string>;
}

/**
 * Where the two actions differ, besides the names. The Custom Code action passes its resolved options
 * (which have `sendInvite` and `keySuffix`); the workflow action its inputs' values and hooks.
 */
export interface CaseRequestRules {
  sendInvite: boolean;
  /** Appended to the Idempotency-Key: `hubspot-[<portalId>-]<companyId>[-<keySuffix>]` (see {@link companyKey}). */
  keySuffix?: string;
  portalId?: string;
  /** `crmRecordId` for the Company id. @default the Company id itself */
  crmRecordId?(companyId: string): string;
}

/** The `POST /v1/cases` body for a Company and the key that makes it safe to repeat. */
export interface CompanyCaseRequest {
  request: CreateCaseRequest;
  /**
   * `hubspot-<companyId>` (plus `-<idempotencyKeySuffix>` when set): every run for the same Company
   * sends the same key, so re-runs never duplicate.
   */
  idempotencyKey: string;
}

// Which role fills each request field, to name the HubSpot side when FML's rules reject a value.
const ROLE_OF: Record<string, CompanyInput> = {
  customerEmail: 'email',
  customerName: 'contact',
  companyName: 'name',
  country: 'country',
  crmRecordId: 'companyId',
};

/**
 * `hubspot-<companyId>` — every run for one Company sends the same key, so re-runs never duplicate. An app
 * installed in many portals puts the portal first (Company ids are unique only within a portal); a suffix
 * moves every Company to a new key when a first answer is stuck under the old one.
 */
export function companyKey(companyId: string, portalId?: string, suffix?: string): string {
  return assertIdempotencyKey(['hubspot', portalId, companyId, suffix].filter(Boolean).join('-'));
}

/**
 * Builds the create-case request for a Company, checks it with the rules of `fml.cases.create` (so what
 * passes here passes there), and throws one `ValidationError` listing every problem, named in HubSpot's
 * terms, when the Company is not ready; nothing is sent then. `raw(role, input)` is the value the action
 * has for a role (from the input named `input`, or a fallback of its own); the Company id is read as a
 * HubSpot record id, every other value as text (trimmed, numbers as their digits, "" as unset).
 * `missing(input, label)` says what to do when the Company id or the email is empty. `problems` are those
 * the caller found in inputs of its own: the mapping's are added to them, and all are reported at once.
 */
export function companyCase(
  names: CompanyNames,
  raw: (role: CompanyInput, input: string) => unknown,
  missing: (input: string, label: string) => string,
  rules: CaseRequestRules,
  problems: FieldError[] = [],
): CompanyCaseRequest {
  const value = (role: CompanyInput, required?: boolean): string | undefined => {
    const input = names.inputs[role];
    const label = names.labels[role];
    const reading = (role === 'companyId' ? readRecordId : readText)(raw(role, input));
    if (reading.kind === 'value') return reading.value;
    if (reading.kind === 'invalid') problems.push(inputProblem(input, label, reading.why));
    else if (required) problems.push({ field: input, message: missing(input, label) });
    return undefined;
  };
  const companyId = value('companyId', true);
  const email = value('email', true);
  const contact = value('contact');
  const name = value('name');
  const country = value('country');
  // A required input that is missing has its entry in `problems`.
  if (problems.length || email === undefined || companyId === undefined) throw notReady(problems);

  // Literal keys only: nothing from the inputs is ever used as a key, so `__proto__` inputs cannot pollute.
  const request: CreateCaseRequest = {
    customerEmail: email,
    ...(contact === undefined ? {} : { customerName: contact }),
    ...(name === undefined ? {} : { companyName: name }),
    ...(country === undefined ? {} : { country }),
    crmRecordId: rules.crmRecordId?.(companyId) ?? companyId,
    crmSource: 'hubspot',
    sendInvite: rules.sendInvite,
  };
  try {
    validateCreateCase(request);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw notReady(error.fields.map((f) => relabel(f, request, names)));
  }
  return { request, idempotencyKey: companyKey(companyId, rules.portalId, rules.keySuffix) };
}

/**
 * A field error about a request field, renamed to the HubSpot input and property it came from. Also used
 * for FML's own 400 answers, whose fields name request fields.
 */
export function relabel(
  field: FieldError,
  request: Partial<CreateCaseRequest> | undefined,
  names: CompanyNames,
): FieldError {
  const role = ownInput(ROLE_OF, field.field) as CompanyInput | undefined;
  if (role === undefined) return field;
  const sent = ownInput(request, field.field);
  const got = typeof sent === 'string' && !field.message.includes('got') ? ` (got ${quote(sent)})` : '';
  return inputProblem(names.inputs[role], names.labels[role], field.message + got);
}

/** A problem with one input, in the words every HubSpot answer uses: `<label> <what is wrong> (input "<name>")`. */
export function inputProblem(input: string, label: string, what: string): FieldError {
  return { field: input, message: `${label} ${what} (input "${input}")` };
}

/** The error a Company that is not ready gets: every problem at once, nothing sent. */
export function notReady(fields: FieldError[]): ValidationError {
  return new ValidationError({
    fields,
    message: `This Company cannot start an FML case yet (nothing was sent to FML): ${fields.map((f) => f.message).join('; ')}.`,
  });
}
