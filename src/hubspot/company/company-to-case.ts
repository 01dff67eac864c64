import { FmlConfigError } from '../../errors';
import { companyCase, type CompanyCaseRequest, type CompanyInput, type CompanyNames } from './case-request';
import { ownInput, quote } from './inputs';

export type { CompanyCaseRequest, CompanyInput } from './case-request';

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

/** Input names and property labels with the defaults applied. */
export interface ResolvedCompanyMapping extends CompanyNames {
  sendInvite: boolean;
  /** "" for none. */
  keySuffix: string;
}

const ROLES: readonly CompanyInput[] = ['companyId', 'name', 'country', 'email', 'contact'];
// Each input is named after its role by default.
const DEFAULT_INPUTS = Object.fromEntries(ROLES.map((role) => [role, role])) as Record<CompanyInput, string>;
const DEFAULT_LABELS: Record<CompanyInput, string> = {
  companyId: 'hs_object_id',
  name: 'name',
  country: 'country',
  email: 'kyb_contact_email',
  contact: 'kyb_contact_name',
};

/** Applies defaults to the mapping options; throws {@link FmlConfigError} for names that cannot work. */
export function resolveCompanyMapping(raw: CompanyToCaseOptions | null = {}): ResolvedCompanyMapping {
  // null reads as "no options", like undefined; any other non-object is a mistake worth naming.
  const options: CompanyToCaseOptions = raw ?? {};
  const bad = (problem: string) => new FmlConfigError(`HubSpot mapping: ${problem}`);
  if (typeof options !== 'object') throw bad(`the options must be an object, got ${typeof options}.`);
  const pick = (
    given: Partial<Record<CompanyInput, string>> | null | undefined,
    defaults: Record<CompanyInput, string>,
    what: string,
  ) => {
    if (given != null && typeof given !== 'object')
      throw bad(`${what} must be an object (role → name), got ${typeof given}.`);
    const out = { ...defaults };
    for (const role of ROLES) {
      const v = ownInput(given, role);
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.trim() === '')
        throw bad(`${what}.${role} must be a non-empty string, got ${typeof v === 'string' ? '""' : typeof v}.`);
      out[role] = v.trim();
    }
    return out;
  };
  if (options.sendInvite !== undefined && typeof options.sendInvite !== 'boolean')
    throw bad('sendInvite must be true or false.');
  const keySuffix = options.idempotencyKeySuffix ?? '';
  if (typeof keySuffix !== 'string' || !/^[A-Za-z0-9._:-]{0,40}$/.test(keySuffix.trim())) {
    throw bad(
      `idempotencyKeySuffix must be up to 40 of A-Z a-z 0-9 . _ : - (e.g. "v2"), got ${typeof keySuffix === 'string' ? quote(keySuffix) : typeof keySuffix}.`,
    );
  }
  const inputs = pick(options.inputs, DEFAULT_INPUTS, 'inputs');
  // A renamed input keeps its role's default label, which is what the recipe's property is called.
  return {
    inputs,
    labels: pick(options.propertyLabels, DEFAULT_LABELS, 'propertyLabels'),
    sendInvite: options.sendInvite ?? true,
    keySuffix: keySuffix.trim(),
  };
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
export function companyToCreateCase(
  inputFields: unknown,
  options: CompanyToCaseOptions | null = {},
): CompanyCaseRequest {
  return mapCompany(inputFields, resolveCompanyMapping(options));
}

/**
 * {@link companyToCreateCase} with the options already resolved (the action resolves them once). An input
 * HubSpot sent empty ("" or null) and one the action does not have get different advice.
 */
export function mapCompany(inputFields: unknown, mapping: ResolvedCompanyMapping): CompanyCaseRequest {
  return companyCase(
    mapping,
    (_role, input) => ownInput(inputFields, input),
    (input, label) =>
      ownInput(inputFields, input) !== undefined
        ? `${label} is empty on this Company: fill it in, then re-enrol the Company (input "${input}")`
        : `${label} is empty on this Company, or the action has no input "${input}": map ${label} to "${input}" under "Property to include in code"`,
    mapping,
  );
}
