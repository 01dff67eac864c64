import { ValidationError, type FieldError } from '../../errors';
import type { CreateCaseRequest } from '../../types';
import { describe } from '../../validation/issues';
import { CREATE_CASE_LIMITS as MAX, CREATE_CASE_TEXT_FIELDS } from '../../validation/limits';

// The paste-ready HubSpot files swap `src/validation/create-case.ts` for this file at build time
// (scripts/build-hubspot.mjs): zod/mini is ~15 KB of a ~44 KB action, and these few rules need none
// of it. It must behave exactly like the zod schema, messages included (it writes the three messages
// `validation/issues.ts` gives these rules directly rather than carrying its whole message table) —
// test/hubspot/create-case-lite.test.ts checks that on generated bodies, and that EMAIL below is still
// zod's own email pattern.

/** zod's `z.email()` pattern (zod/v4/core/regexes.js `email`), copied so the bundle needs no zod. */
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Same contract as `validation/create-case`: returns `body` when FML would accept it, else throws a local ValidationError. */
export function validateCreateCase(body: unknown): CreateCaseRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError({ fields: [{ field: '(body)', message: 'must be an object with at least customerEmail' }] });
  }
  const b = body as Record<string, unknown>;
  const fields: FieldError[] = [];
  const check = (field: string, expected: 'string' | 'boolean', required: boolean, max = 0, email = false) => {
    const v = Object.prototype.hasOwnProperty.call(b, field) ? b[field] : undefined;
    if (v === undefined) return void (required && fields.push({ field, message: 'is required' }));
    if (typeof v !== expected) return void fields.push({ field, message: `must be a ${expected}, got ${describe(v)}` });
    if (email && !EMAIL.test(v as string)) fields.push({ field, message: 'must be a valid email address' });
    if ((v as string).length > max) fields.push({ field, message: `must be at most ${max} characters` });
  };
  // In the schema's key order: zod reports issues in that order.
  check('customerEmail', 'string', true, MAX.customerEmail, true);
  for (const key of CREATE_CASE_TEXT_FIELDS) check(key, 'string', false, MAX[key]);
  check('sendInvite', 'boolean', false);
  if (fields.length) throw new ValidationError({ fields });
  return body as CreateCaseRequest;
}
