import { FmlConfigError, ValidationError, type FieldError } from '../../errors';
import { assertIdempotencyKey } from '../../idempotency';
import type { CreateCaseRequest } from '../../types';
import { validateCreateCase } from '../../validation/create-case';
import { ownInput, quote, readRecordId, readText, type InputReading } from '../company/inputs';
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
  return assertIdempotencyKey(`hubspot-${portalId}-${objectId}`);
}

// Which input each create-case field comes from, so FML's own rules name the input to fix.
const SOURCE_OF: Record<string, string> = {
  customerEmail: INPUT_FIELDS.contactEmail,
  customerName: INPUT_FIELDS.contactName,
  companyName: INPUT_FIELDS.companyName,
  country: INPUT_FIELDS.country,
  crmRecordId: 'object.objectId',
};

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

/**
 * Maps an execution onto `POST /v1/cases`: the contact from the inputs, the company name and country
 * from the inputs or else the Company's own properties, `crmRecordId` = the Company id (or what the
 * `crmRecordId` option makes of the portal and Company ids), `crmSource` `hubspot`. Reads inputs with the same tolerant readers as `companyToCreateCase` (numbers, padding,
 * "" for unset) and checks the result with the same rules as `fml.cases.create`, so what passes here
 * passes there. Throws a local `ValidationError` whose fields are the action's input names.
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
  const chosen = chosenProperties(execution);
  // A chosen property's value: read from HubSpot, or sent along in object.properties already.
  const chosenValue = (property: string | undefined): InputReading => {
    if (property === undefined) return { kind: 'empty' };
    const read = readText(ownInput(options.chosenValues ?? {}, property));
    return read.kind === 'empty' ? readText(ownInput(properties, property)) : read;
  };
  const problems: FieldError[] = [];
  const value = (field: string, reading: InputReading, required: boolean, missing: string): string | undefined => {
    if (reading.kind === 'value') return reading.value;
    if (reading.kind === 'invalid') problems.push({ field, message: `${LABEL[field] ?? field} ${reading.why} (input "${field}")` });
    else if (required) problems.push({ field, message: missing });
    return undefined;
  };
  const firstOf = (...readings: InputReading[]): InputReading => readings.find((r) => r.kind !== 'empty') ?? { kind: 'empty' };

  const objectId = value('object.objectId', readRecordId(execution.request.object.objectId), true, 'The execution names no Company record id.');
  checkPropertyChoice(inputs, INPUT_FIELDS.contactEmailProperty, problems);
  checkPropertyChoice(inputs, INPUT_FIELDS.contactNameProperty, problems);
  const noEmail = chosen.email
    ? `Contact email is empty, and so is the Company property "${chosen.email}" chosen in "${INPUT_FIELDS.contactEmailProperty}": fill it in on this Company, or choose another property.`
    : `Contact email is empty: map the input "${INPUT_FIELDS.contactEmail}" to a Company property that holds the contact's email (and fill it in on this Company), choose that property in "${INPUT_FIELDS.contactEmailProperty}", or type an address into the action.`;
  const email = value(INPUT_FIELDS.contactEmail, firstOf(readText(ownInput(inputs, INPUT_FIELDS.contactEmail)), chosenValue(chosen.email)), true, noEmail);
  const name = value(INPUT_FIELDS.contactName, firstOf(readText(ownInput(inputs, INPUT_FIELDS.contactName)), chosenValue(chosen.name)), false, '');
  const company = value(INPUT_FIELDS.companyName, firstOf(readText(ownInput(inputs, INPUT_FIELDS.companyName)), readText(ownInput(properties, 'name')), readText(ownInput(properties, 'domain'))), false, '');
  const country = value(INPUT_FIELDS.country, firstOf(readText(ownInput(inputs, INPUT_FIELDS.country)), readText(ownInput(properties, 'country'))), false, '');
  const sendInvite = readFlag(INPUT_FIELDS.sendInvite, ownInput(inputs, INPUT_FIELDS.sendInvite), options.defaults?.sendInvite ?? true, problems);
  const waitForDecision = readFlag(INPUT_FIELDS.waitForDecision, ownInput(inputs, INPUT_FIELDS.waitForDecision), options.defaults?.waitForDecision ?? false, problems);
  const expirationDuration = readDuration(INPUT_FIELDS.blockExpiration, ownInput(inputs, INPUT_FIELDS.blockExpiration), problems);
  // A required input that is missing has its entry in `problems`.
  if (problems.length || objectId === undefined || email === undefined) throw executionError(problems);

  const recordId = options.crmRecordId ? options.crmRecordId(execution.portalId, objectId) : objectId;
  if (typeof recordId !== 'string' || recordId.trim() === '') throw new FmlConfigError(`The crmRecordId option must return a non-empty string, got ${JSON.stringify(recordId)}.`);
  // Literal keys only: nothing the request carries becomes a key, so `__proto__` inputs cannot pollute.
  const request: CreateCaseRequest = {
    customerEmail: email,
    ...(name === undefined ? {} : { customerName: name }),
    ...(company === undefined ? {} : { companyName: company }),
    ...(country === undefined ? {} : { country }),
    crmRecordId: recordId,
    crmSource: 'hubspot',
    sendInvite,
  };
  try {
    validateCreateCase(request);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw executionError(error.fields.map((f) => relabelField(f, request)));
  }
  const keyOf = options.idempotencyKey ?? portalCompanyKey;
  return { request, idempotencyKey: assertIdempotencyKey(keyOf(execution.portalId, objectId)), waitForDecision, ...(expirationDuration ? { expirationDuration } : {}) };
}

function checkPropertyChoice(inputs: Record<string, unknown>, field: string, problems: FieldError[]): void {
  const read = readText(ownInput(inputs, field));
  if (read.kind === 'invalid') problems.push({ field, message: `${LABEL[field]} ${read.why} (input "${field}")` });
  else if (read.kind === 'value' && !PROPERTY_NAME.test(read.value)) problems.push({ field, message: `${LABEL[field]} must be a Company property's internal name, got ${quote(read.value)} (input "${field}")` });
}

// Durations past a year are refused: HubSpot would keep the workflow blocked longer than anyone means.
const MAX_BLOCK_MS = 366 * 86_400_000;

function readDuration(field: string, raw: unknown, problems: FieldError[]): string | undefined {
  const read = readText(raw);
  if (read.kind === 'empty') return undefined;
  const ms = read.kind === 'value' ? isoDurationMs(read.value) : undefined;
  if (read.kind === 'value' && ms !== undefined && ms > 0 && ms <= MAX_BLOCK_MS) return read.value;
  problems.push({ field, message: `${LABEL[field]} must be an ISO 8601 duration of at most a year, such as "P1W" or "P3D", got ${typeof raw === 'string' ? quote(raw) : typeof raw} (input "${field}")` });
  return undefined;
}

/** A create-case field error renamed to the action input it came from (also used for FML's 400s). */
export function relabelField(field: FieldError, request?: Partial<CreateCaseRequest>): FieldError {
  const input = Object.hasOwn(SOURCE_OF, field.field) ? SOURCE_OF[field.field] : undefined;
  if (input === undefined) return field;
  const sent = request === undefined ? undefined : ownInput(request, field.field);
  const got = typeof sent === 'string' && !field.message.includes('got') ? ` (got ${quote(sent)})` : '';
  return { field: input, message: `${LABEL[input] ?? input} ${field.message}${got} (input "${input}")` };
}

/** The error for an execution that cannot become a case: every problem at once, nothing sent. */
export function executionError(fields: FieldError[]): ValidationError {
  return new ValidationError({ fields, message: `This Company cannot start an FML case (nothing was sent to FML): ${fields.map((f) => f.message).join('; ')}` });
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
  problems.push({ field, message: `${LABEL[field] ?? field} must be "true" or "false", got ${typeof raw === 'string' ? quote(raw) : typeof raw} (input "${field}")` });
  return fallback;
}
