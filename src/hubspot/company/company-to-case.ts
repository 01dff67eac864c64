import { FmlConfigError, ValidationError, type FieldError } from '../../errors';
import { assertIdempotencyKey } from '../../idempotency';
import type { CreateCaseRequest } from '../../types';
import { validateCreateCase } from '../../validation/create-case';
import { ownInput, quote, readRecordId, readText, type InputReading } from './inputs';

/** The five things the action reads from the enrolled Company. */
export type CompanyInput = 'companyId' | 'name' | 'country' | 'email' | 'contact';

/** Options of {@link companyToCreateCase} (and of the Custom Code action, which passes them on). */
export interface CompanyToCaseOptions {
  /**
   * The names of the action's input fields ("Property to include in code"), per role. Change one when
   * your action names an input differently, e.g. `{ email: 'kyb_contact_email' }`.
   * @default { companyId: 'companyId', name: 'name', country: 'country', email: 'email', contact: 'contact' }
   */
  inputs?: Partial<Record<CompanyInput, string>>;
  /**
   * The Company property each input is mapped from, so error messages name what an admin must fix
   * ("kyb_contact_email is empty on this Company").
   * @default { companyId: 'hs_object_id', name: 'name', country: 'country', email: 'kyb_contact_email', contact: 'kyb_contact_name' }
   */
  propertyLabels?: Partial<Record<CompanyInput, string>>;
  /**
   * Email the customer their portal invite as soon as the case exists.
   * @default true
   */
  sendInvite?: boolean;
  /**
   * Appended to every Idempotency-Key as `hubspot-<companyId>-<suffix>`. Leave it empty until a key is
   * stuck: if FML stores a rejected (400) first answer under a key — its documentation leaves that open
   * — every re-run with that key gets the same 400, even after the Company's data is fixed. Setting a
   * new suffix (e.g. `v2`) makes every run send a new key. That is safe for Companies that already have
   * a case: FML still finds it by `crmRecordId` and answers with it (`replayed: crm-record-id`).
   * Letters, digits, `.`, `_`, `:` and `-`; at most 40 characters.
   * @default "" (the key is `hubspot-<companyId>`)
   */
  idempotencyKeySuffix?: string;
}

/** What {@link companyToCreateCase} returns: the `POST /v1/cases` body and the key that makes it safe to repeat. */
export interface CompanyCaseRequest {
  request: CreateCaseRequest;
  /**
   * `hubspot-<companyId>` (plus `-<idempotencyKeySuffix>` when set): every run for the same Company
   * sends the same key, so re-runs never duplicate.
   */
  idempotencyKey: string;
}

/** Input names and property labels with the defaults applied. */
export interface ResolvedCompanyMapping {
  inputs: Record<CompanyInput, string>;
  labels: Record<CompanyInput, string>;
  sendInvite: boolean;
  /** "" for none. */
  keySuffix: string;
}

const ROLES: readonly CompanyInput[] = ['companyId', 'name', 'country', 'email', 'contact'];
const DEFAULT_INPUTS: Record<CompanyInput, string> = { companyId: 'companyId', name: 'name', country: 'country', email: 'email', contact: 'contact' };
const DEFAULT_LABELS: Record<CompanyInput, string> = { companyId: 'hs_object_id', name: 'name', country: 'country', email: 'kyb_contact_email', contact: 'kyb_contact_name' };

// Which request field each role fills, to name the HubSpot side when FML's own rules reject a value.
const REQUEST_FIELD: Record<string, CompanyInput> = { customerEmail: 'email', customerName: 'contact', companyName: 'name', country: 'country', crmRecordId: 'companyId' };

/** Applies defaults to the mapping options; throws {@link FmlConfigError} for names that cannot work. */
export function resolveCompanyMapping(raw: CompanyToCaseOptions | null = {}): ResolvedCompanyMapping {
  // null reads as "no options", like undefined; any other non-object is a mistake worth naming.
  const options: CompanyToCaseOptions = raw ?? {};
  const bad = (problem: string) => new FmlConfigError(`HubSpot mapping: ${problem}`);
  if (typeof options !== 'object') throw bad(`the options must be an object, got ${typeof options}.`);
  const pick = (given: Partial<Record<CompanyInput, string>> | null | undefined, defaults: Record<CompanyInput, string>, what: string) => {
    if (given != null && typeof given !== 'object') throw bad(`${what} must be an object (role → name), got ${typeof given}.`);
    const out = { ...defaults };
    for (const role of ROLES) {
      const v = ownInput(given, role);
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.trim() === '') throw bad(`${what}.${role} must be a non-empty string, got ${typeof v === 'string' ? '""' : typeof v}.`);
      out[role] = v.trim();
    }
    return out;
  };
  if (options.sendInvite !== undefined && typeof options.sendInvite !== 'boolean') throw bad('sendInvite must be true or false.');
  const keySuffix = options.idempotencyKeySuffix ?? '';
  if (typeof keySuffix !== 'string' || !/^[A-Za-z0-9._:-]{0,40}$/.test(keySuffix.trim())) {
    throw bad(`idempotencyKeySuffix must be up to 40 of A-Z a-z 0-9 . _ : - (e.g. "v2"), got ${typeof keySuffix === 'string' ? quote(keySuffix) : typeof keySuffix}.`);
  }
  const inputs = pick(options.inputs, DEFAULT_INPUTS, 'inputs');
  // A renamed input keeps its role's default label, which is what the recipe's property is called.
  return { inputs, labels: pick(options.propertyLabels, DEFAULT_LABELS, 'propertyLabels'), sendInvite: options.sendInvite ?? true, keySuffix: keySuffix.trim() };
}

/**
 * Turns a HubSpot Company's action inputs into a create-case request and its Idempotency-Key.
 * Tolerates what HubSpot really sends (numeric ids, padded text, "" for unset properties — those are
 * left out, never sent as ""), and rejects what FML would reject with a local `ValidationError` whose
 * fields are the action's input names and whose messages name the Company property to fix.
 *
 * @example
 * const { request, idempotencyKey } = companyToCreateCase(event.inputFields);
 * await fml.cases.create(request, { idempotencyKey });
 */
export function companyToCreateCase(inputFields: unknown, options: CompanyToCaseOptions | null = {}): CompanyCaseRequest {
  return mapCompany(inputFields, resolveCompanyMapping(options));
}

/** {@link companyToCreateCase} with the options already resolved (the action resolves them once). */
export function mapCompany(inputFields: unknown, mapping: ResolvedCompanyMapping): CompanyCaseRequest {
  const problems: FieldError[] = [];
  const read = (role: CompanyInput, reader: (v: unknown) => InputReading, required: boolean): string | undefined => {
    const name = mapping.inputs[role];
    const present = typeof inputFields === 'object' && inputFields !== null && Object.hasOwn(inputFields, name);
    const reading = reader(ownInput(inputFields, name));
    const label = mapping.labels[role];
    if (reading.kind === 'value') return reading.value;
    if (reading.kind === 'invalid') problems.push({ field: name, message: `${label} ${reading.why} (input "${name}")` });
    else if (required) problems.push({ field: name, message: present ? `${label} is empty on this Company: fill it in, then re-enrol the Company (input "${name}")` : `${label} is empty on this Company, or the action has no input "${name}": map ${label} to "${name}" under "Property to include in code"` });
    return undefined;
  };

  const companyId = read('companyId', readRecordId, true);
  const email = read('email', readText, true);
  const contact = read('contact', readText, false);
  const name = read('name', readText, false);
  const country = read('country', readText, false);
  // A required input that is missing has its entry in `problems`.
  if (problems.length || email === undefined || companyId === undefined) throw companyError(problems);

  // Literal keys only: nothing from inputFields is ever used as a key, so `__proto__` inputs cannot pollute.
  const request: CreateCaseRequest = {
    customerEmail: email,
    ...(contact === undefined ? {} : { customerName: contact }),
    ...(name === undefined ? {} : { companyName: name }),
    ...(country === undefined ? {} : { country }),
    crmRecordId: companyId,
    crmSource: 'hubspot',
    sendInvite: mapping.sendInvite,
  };
  try {
    validateCreateCase(request);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw companyError(error.fields.map((f) => relabel(f, request, mapping)));
  }
  // `idempotencyKey.forCrmRecord('hubspot', companyId)`'s key, spelt out: companyId is already checked
  // digits, and the paste-ready action then needs none of the idempotencyKey helpers.
  return { request, idempotencyKey: assertIdempotencyKey(`hubspot-${companyId}${mapping.keySuffix ? `-${mapping.keySuffix}` : ''}`) };
}

/**
 * A field error about a request field, renamed to the HubSpot input and property it came from.
 * Also used for FML's own 400 answers, whose fields name request fields.
 */
export function relabel(field: FieldError, request: Partial<CreateCaseRequest> | undefined, mapping: ResolvedCompanyMapping): FieldError {
  const role = REQUEST_FIELD[field.field];
  if (role === undefined) return field;
  const value = request === undefined ? undefined : (ownInput(request, field.field) as unknown);
  const got = typeof value === 'string' && !field.message.includes('got') ? ` (got ${quote(value)})` : '';
  return { field: mapping.inputs[role], message: `${mapping.labels[role]} ${field.message}${got} (input "${mapping.inputs[role]}")` };
}

/** The error a Company that is not ready gets: every problem at once, nothing sent. */
export function companyError(fields: FieldError[]): ValidationError {
  return new ValidationError({ fields, message: `This Company cannot start an FML case yet (nothing was sent to FML): ${fields.map((f) => f.message).join('; ')}.` });
}
