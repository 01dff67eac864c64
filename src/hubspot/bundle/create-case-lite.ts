import { ValidationError } from '../../errors';
import type { CreateCaseRequest } from '../../types';
import { toFieldErrors, type ZodIssueLike } from '../../validation/issues';
import { CREATE_CASE_LIMITS as MAX, CREATE_CASE_TEXT_FIELDS } from '../../validation/limits';

// The paste-ready HubSpot files swap `src/validation/create-case.ts` for this file at build time
// (scripts/build-hubspot.mjs): zod/mini is ~15 KB of a ~44 KB action, and these few rules need none
// of it. It must behave exactly like the zod schema — test/hubspot/create-case-lite.test.ts checks
// that on generated bodies, and that EMAIL below is still zod's own email pattern.

/** zod's `z.email()` pattern (zod/v4/core/regexes.js `email`), copied so the bundle needs no zod. */
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Same contract as `validation/create-case`: returns `body` when FML would accept it, else throws a local ValidationError. */
export function validateCreateCase(body: unknown): CreateCaseRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError({ fields: [{ field: '(body)', message: 'must be an object with at least customerEmail' }] });
  }
  const b = body as Record<string, unknown>;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(b, k) ? b[k] : undefined);
  const issues: ZodIssueLike[] = [];
  const text = (key: string, max: number, required: boolean, email: boolean) => {
    const v = own(key);
    if (v === undefined && !required) return;
    if (typeof v !== 'string') return void issues.push({ code: 'invalid_type', expected: 'string', path: [key] });
    if (email && !EMAIL.test(v)) issues.push({ code: 'invalid_format', format: 'email', path: [key] });
    if (v.length > max) issues.push({ code: 'too_big', origin: 'string', maximum: max, path: [key] });
  };
  text('customerEmail', MAX.customerEmail, true, true);
  // In the schema's key order: zod reports issues in that order.
  for (const key of CREATE_CASE_TEXT_FIELDS) text(key, MAX[key], false, false);
  const invite = own('sendInvite');
  if (invite !== undefined && typeof invite !== 'boolean') issues.push({ code: 'invalid_type', expected: 'boolean', path: ['sendInvite'] });
  if (issues.length) throw new ValidationError({ fields: toFieldErrors(issues, body) });
  return body as CreateCaseRequest;
}
