import { CREATE_CASE_LIMITS as MAX, CREATE_CASE_TEXT_FIELDS } from '../internal/validation/limits';
import type { CreateCaseInput } from './types';

/** One failed field, as FML lists it in a `validation_error`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; fields: FieldProblem[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Record<string, unknown>, key: string): boolean => Object.hasOwn(o, key);

// Deliberately loose (like most servers): one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a `POST /v1/cases` body and lists every bad field at once. Only documented fields are copied
 * out (by name), so unknown keys — `__proto__` included — are ignored and never reach an object.
 */
export function validateCreateCase(body: unknown): Checked<CreateCaseInput> {
  if (!isRecord(body)) return { ok: false, fields: [{ field: 'body', message: 'must be a JSON object' }] };
  const fields: FieldProblem[] = [];
  const email = has(body, 'customerEmail') ? body.customerEmail : undefined;
  if (email === undefined || email === null || email === '')
    fields.push({ field: 'customerEmail', message: 'is required' });
  else if (typeof email !== 'string') fields.push({ field: 'customerEmail', message: 'must be a string' });
  else if (email.length > MAX.customerEmail)
    fields.push({ field: 'customerEmail', message: `must be at most ${MAX.customerEmail} characters` });
  else if (!EMAIL.test(email)) fields.push({ field: 'customerEmail', message: 'must be a valid email address' });

  const value: CreateCaseInput = { customerEmail: typeof email === 'string' ? email : '' };
  for (const key of CREATE_CASE_TEXT_FIELDS) {
    if (!has(body, key) || body[key] === undefined) continue;
    const v = body[key];
    if (typeof v !== 'string') fields.push({ field: key, message: 'must be a string' });
    else if (v.length > MAX[key]) fields.push({ field: key, message: `must be at most ${MAX[key]} characters` });
    else if (key === 'crmRecordId' && v.trim() === '') fields.push({ field: key, message: 'must not be empty' });
    else value[key] = v;
  }
  if (has(body, 'sendInvite') && body.sendInvite !== undefined) {
    if (typeof body.sendInvite !== 'boolean') fields.push({ field: 'sendInvite', message: 'must be a boolean' });
    else value.sendInvite = body.sendInvite;
  }
  return fields.length ? { ok: false, fields } : { ok: true, value };
}

/**
 * One text field of a JSON body: a string of at most `max` characters, non-blank when `required`.
 * Reads by own name only, so `__proto__` and friends never reach an object.
 */
function readBodyText(
  body: Record<string, unknown>,
  key: string,
  { required, max }: { required: boolean; max: number },
  fields: FieldProblem[],
): string | undefined {
  const v = has(body, key) ? body[key] : undefined;
  if (v === undefined || v === null) {
    if (required) fields.push({ field: key, message: 'is required' });
    return undefined;
  }
  if (typeof v !== 'string') fields.push({ field: key, message: 'must be a string' });
  else if (required && v.trim() === '') fields.push({ field: key, message: 'must not be empty' });
  else if (v.length > max) fields.push({ field: key, message: `must be at most ${max} characters` });
  else return v;
  return undefined;
}

/** A `POST /api/cases/{caseId}/crm-record-id` body (inferred): `{ crmRecordId, crmSource? }`. */
export function validateSetCrmRecordId(body: unknown): Checked<{ crmRecordId: string; crmSource?: string }> {
  if (!isRecord(body)) return { ok: false, fields: [{ field: 'body', message: 'must be a JSON object' }] };
  const fields: FieldProblem[] = [];
  const crmRecordId = readBodyText(body, 'crmRecordId', { required: true, max: MAX.crmRecordId }, fields);
  const crmSource = readBodyText(body, 'crmSource', { required: false, max: MAX.crmSource }, fields);
  // A required text that is missing has its entry in `fields`.
  if (fields.length || crmRecordId === undefined) return { ok: false, fields };
  return { ok: true, value: { crmRecordId, ...(crmSource !== undefined ? { crmSource } : {}) } };
}

/** The longest disposition `note` (openapi.yaml's `maxLength`, an SDK decision). */
const MAX_NOTE = 2000;

/** A `POST /v1/cases/{caseId}/screening/disposition` body (inferred): `{ hitId, disposition, note? }`. */
export function validateDisposition(body: unknown): Checked<{ hitId: string; disposition: string; note?: string }> {
  if (!isRecord(body)) return { ok: false, fields: [{ field: 'body', message: 'must be a JSON object' }] };
  const fields: FieldProblem[] = [];
  const hitId = readBodyText(body, 'hitId', { required: true, max: Infinity }, fields);
  const disposition = readBodyText(body, 'disposition', { required: true, max: Infinity }, fields);
  const note = readBodyText(body, 'note', { required: false, max: MAX_NOTE }, fields);
  // A required text that is missing has its entry in `fields`.
  if (fields.length || hitId === undefined || disposition === undefined) return { ok: false, fields };
  return { ok: true, value: { hitId, disposition, ...(note !== undefined ? { note } : {}) } };
}

/** The `Idempotency-Key` header: opaque, 1–255 visible ASCII characters. */
export function checkIdempotencyKey(key: string): FieldProblem | undefined {
  if (key.length === 0 || key.length > 255) return { field: 'Idempotency-Key', message: 'must be 1 to 255 characters' };
  if (!/^[\x21-\x7e]+$/.test(key))
    return { field: 'Idempotency-Key', message: 'must be visible ASCII characters without spaces' };
  return undefined;
}

/** A query parameter given at most once. */
function single(query: URLSearchParams, name: string, fields: FieldProblem[]): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) fields.push({ field: name, message: 'must be given once' });
  return all[0];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** `limit` 1–200 (default 50). */
export function readLimit(query: URLSearchParams, fields: FieldProblem[]): number {
  const raw = single(query, 'limit', fields);
  if (raw === undefined) return 50;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= 200)) {
    fields.push({ field: 'limit', message: 'must be a whole number from 1 to 200' });
    return 50;
  }
  return n;
}

/** A date-time query parameter (RFC 3339) as epoch milliseconds, or undefined when absent. */
export function readDateTime(query: URLSearchParams, name: string, fields: FieldProblem[]): number | undefined {
  const raw = single(query, name, fields);
  if (raw === undefined) return undefined;
  const ms = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    fields.push({ field: name, message: 'must be an RFC 3339 date-time, e.g. 2026-05-15T09:14:11Z' });
    return undefined;
  }
  return ms;
}

/** A free-text query parameter, or undefined when absent. */
export function readText(query: URLSearchParams, name: string, fields: FieldProblem[]): string | undefined {
  const raw = single(query, name, fields);
  if (raw === '') fields.push({ field: name, message: 'must not be empty' });
  return raw || undefined;
}
