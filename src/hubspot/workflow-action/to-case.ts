import { FmlConfigError, type FieldError } from '../../errors';
import { assertIdempotencyKey } from '../../idempotency';
import type { CreateCaseRequest } from '../../types';
import { companyCase, companyKey, inputProblem, type CompanyNames } from '../company/case-request';
import { ownInput, quote, readRecordId, readText } from '../company/inputs';
import { isoDurationMs } from './duration';
import type { ParsedExecution } from './execution-request';
import { INPUT_FIELDS } from './fields';

/** Values used when the workflow leaves an option input empty. */
export interface ActionInputDefaults {
  /**
   * Email the customer their invite as soon as the case exists.
   * @default true
   */
  sendInvite?: boolean;
  /**
   * Block the workflow until FML approves or declines the case.
   * @default false
   */
  waitForDecision?: boolean;
}

/** What an execution asks for: the create-case request, its key, and whether to wait. */
export interface ExecutionCase {
  request: CreateCaseRequest;
  idempotencyKey: string;
  waitForDecision: boolean;
  /** The `blockExpiration` input (ISO 8601), when the workflow set one. */
  expirationDuration?: string;
}

/** The Company properties chosen in contactEmailProperty / contactNameProperty whose values are needed. */
export interface ChosenProperties {
  email?: string;
  name?: string;
}

// HubSpot property internal names: letters, digits, underscores.
const PROPERTY_NAME = /^[A-Za-z0-9_]{1,100}$/;

/**
 * The Company properties chosen in `contactEmailProperty` / `contactNameProperty` that the execution
 * needs: only those whose direct input (`contactEmail` / `contactName`) is empty — a typed or mapped
 * value always wins. Names that are not property names are left out (the mapping then reports them).
 */
export function chosenProperties(execution: ParsedExecution): ChosenProperties {
  const inputs = execution.request.inputFields ?? {};
  const pick = (direct: string, choice: string): string | undefined => {
    if (readText(ownInput(inputs, direct)).kind !== 'empty') return undefined;
    const chosen = readText(ownInput(inputs, choice));
    return chosen.kind === 'value' && PROPERTY_NAME.test(chosen.value) ? chosen.value : undefined;
  };
  const email = pick(INPUT_FIELDS.contactEmail, INPUT_FIELDS.contactEmailProperty);
  const name = pick(INPUT_FIELDS.contactName, INPUT_FIELDS.contactNameProperty);
  return { ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

/**
 * The Idempotency-Key for a Company: `hubspot-<portalId>-<objectId>`. Custom Code uses
 * `hubspot-<objectId>` because it runs inside one portal; an app is installed by many portals, and
 * Company ids are only unique within a portal, so the key names the portal too.
 *
 * The key alone does not keep portals apart: FML also de-duplicates on `crmRecordId` within a tenant,
 * and `crmRecordId` is the bare Company id (the write-back finds the Company by it). Two portals sharing
 * one FML tenant would therefore share a case for the same Company id; the handler refuses that (answer
 * `cross_portal_conflict`) when it knows the case is another portal's. Give each portal its own tenant,
 * or a portal-qualified `crmRecordId`, to rule it out.
 */
export function portalCompanyKey(portalId: string, objectId: string): string {
  return companyKey(objectId, portalId);
}

const LABEL: Record<string, string> = {
  [INPUT_FIELDS.contactEmail]: 'Contact email',
  [INPUT_FIELDS.contactName]: 'Contact name',
  [INPUT_FIELDS.companyName]: 'Company name',
  [INPUT_FIELDS.country]: 'Country/Region',
  [INPUT_FIELDS.sendInvite]: 'Send the onboarding invite now',
  [INPUT_FIELDS.waitForDecision]: "Wait for FML's decision",
  [INPUT_FIELDS.blockExpiration]: 'Wait at most',
  [INPUT_FIELDS.contactEmailProperty]: 'Company property with the contact email',
  [INPUT_FIELDS.contactNameProperty]: 'Company property with the contact name',
  'object.objectId': "The Company's record id",
};

/** An input's label, as the action's definition shows it (its name, for one that has none). */
const labelOf = (field: string): string => LABEL[field] ?? field;

/** The inputs each create-case value comes from, and their labels, so FML's own rules name the input to fix. */
export const EXECUTION_NAMES: CompanyNames = {
  inputs: {
    companyId: 'object.objectId',
    email: INPUT_FIELDS.contactEmail,
    contact: INPUT_FIELDS.contactName,
    name: INPUT_FIELDS.companyName,
    country: INPUT_FIELDS.country,
  },
  labels: {
    companyId: labelOf('object.objectId'),
    email: labelOf(INPUT_FIELDS.contactEmail),
    contact: labelOf(INPUT_FIELDS.contactName),
    name: labelOf(INPUT_FIELDS.companyName),
    country: labelOf(INPUT_FIELDS.country),
  },
};

// The first of a value's sources that is set: a typed or mapped input wins over the Company's properties.
// A set but unusable one (an object, NaN) is kept, so the mapping reports it instead of falling back.
const firstSet = (...values: unknown[]): unknown => values.find((v) => readText(v).kind !== 'empty');

/**
 * Maps an execution onto `POST /v1/cases` with the rules of `companyToCreateCase` (the same readers —
 * numbers, padding, "" for unset —, FML's limits, key and wording): the contact from the inputs (or the
 * Company properties chosen for it), the company name and country from the inputs or else the Company's own
 * properties, `crmRecordId` = the Company id (or what the `crmRecordId` option makes of the portal and
 * Company ids), `crmSource` `hubspot`. What passes here passes `fml.cases.create`. Throws a local
 * `ValidationError` whose fields are the action's input names.
 */
export function executionToCreateCase(
  execution: ParsedExecution,
  options: {
    defaults?: ActionInputDefaults;
    idempotencyKey?: (portalId: string, objectId: string) => string;
    crmRecordId?: (portalId: string, objectId: string) => string;
    /** Values of the Company properties named by `chosenProperties(execution)`, read from HubSpot. */
    chosenValues?: Record<string, unknown>;
  } = {},
): ExecutionCase {
  const inputs = execution.request.inputFields ?? {};
  const properties = execution.request.object.properties ?? {};
  const { portalId } = execution;
  const chosen = chosenProperties(execution);
  // A chosen property's value: read from HubSpot, or sent along in object.properties already.
  const chosenValue = (property: string | undefined): unknown =>
    property === undefined
      ? undefined
      : firstSet(ownInput(options.chosenValues, property), ownInput(properties, property));
  const input = (field: string) => ownInput(inputs, field);
  const problems: FieldError[] = [];
  checkPropertyChoice(inputs, INPUT_FIELDS.contactEmailProperty, problems);
  checkPropertyChoice(inputs, INPUT_FIELDS.contactNameProperty, problems);
  const sendInvite = readFlag(
    INPUT_FIELDS.sendInvite,
    input(INPUT_FIELDS.sendInvite),
    options.defaults?.sendInvite ?? true,
    problems,
  );
  const waitForDecision = readFlag(
    INPUT_FIELDS.waitForDecision,
    input(INPUT_FIELDS.waitForDecision),
    options.defaults?.waitForDecision ?? false,
    problems,
  );
  const expirationDuration = readDuration(INPUT_FIELDS.blockExpiration, input(INPUT_FIELDS.blockExpiration), problems);

  const raw = {
    companyId: execution.request.object.objectId,
    email: firstSet(input(INPUT_FIELDS.contactEmail), chosenValue(chosen.email)),
    contact: firstSet(input(INPUT_FIELDS.contactName), chosenValue(chosen.name)),
    name: firstSet(input(INPUT_FIELDS.companyName), ownInput(properties, 'name'), ownInput(properties, 'domain')),
    country: firstSet(input(INPUT_FIELDS.country), ownInput(properties, 'country')),
  };
  const noEmail = chosen.email
    ? `Contact email is empty, and so is the Company property "${chosen.email}" chosen in "${INPUT_FIELDS.contactEmailProperty}": fill it in on this Company, or choose another property.`
    : `Contact email is empty: map the input "${INPUT_FIELDS.contactEmail}" to a Company property that holds the contact's email (and fill it in on this Company), choose that property in "${INPUT_FIELDS.contactEmailProperty}", or type an address into the action.`;
  const mapped = companyCase(
    EXECUTION_NAMES,
    (role) => raw[role],
    (field) => (field === INPUT_FIELDS.contactEmail ? noEmail : 'The execution names no Company record id.'),
    {
      sendInvite,
      portalId,
      crmRecordId: (objectId) => {
        const recordId = options.crmRecordId ? options.crmRecordId(portalId, objectId) : objectId;
        if (typeof recordId !== 'string' || recordId.trim() === '')
          throw new FmlConfigError(
            `The crmRecordId option must return a non-empty string, got ${JSON.stringify(recordId)}.`,
          );
        return recordId;
      },
    },
    problems,
  );
  // The app's own key for the Company id the mapping accepted, instead of `hubspot-<portalId>-<objectId>`.
  const objectId = readRecordId(raw.companyId);
  const idempotencyKey =
    options.idempotencyKey && objectId.kind === 'value'
      ? assertIdempotencyKey(options.idempotencyKey(portalId, objectId.value))
      : mapped.idempotencyKey;
  return { ...mapped, idempotencyKey, waitForDecision, ...(expirationDuration ? { expirationDuration } : {}) };
}

function checkPropertyChoice(inputs: Record<string, unknown>, field: string, problems: FieldError[]): void {
  const read = readText(ownInput(inputs, field));
  if (read.kind === 'invalid') problems.push(inputProblem(field, labelOf(field), read.why));
  else if (read.kind === 'value' && !PROPERTY_NAME.test(read.value))
    problems.push(
      inputProblem(field, labelOf(field), `must be a Company property's internal name, got ${quote(read.value)}`),
    );
}

// Durations past a year are refused: HubSpot would keep the workflow blocked longer than anyone means.
const MAX_BLOCK_MS = 366 * 86_400_000;

function readDuration(field: string, raw: unknown, problems: FieldError[]): string | undefined {
  const read = readText(raw);
  if (read.kind === 'empty') return undefined;
  const ms = read.kind === 'value' ? isoDurationMs(read.value) : undefined;
  if (read.kind === 'value' && ms !== undefined && ms > 0 && ms <= MAX_BLOCK_MS) return read.value;
  problems.push(
    inputProblem(
      field,
      labelOf(field),
      `must be an ISO 8601 duration of at most a year, such as "P1W" or "P3D", got ${typeof raw === 'string' ? quote(raw) : typeof raw}`,
    ),
  );
  return undefined;
}

function readFlag(field: string, raw: unknown, fallback: boolean, problems: FieldError[]): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === false) return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === 'yes') return true;
    if (v === 'false' || v === 'no') return false;
    if (v === '') return fallback;
  }
  problems.push(
    inputProblem(
      field,
      LABEL[field] ?? field,
      `must be "true" or "false", got ${typeof raw === 'string' ? quote(raw) : typeof raw}`,
    ),
  );
  return fallback;
}
