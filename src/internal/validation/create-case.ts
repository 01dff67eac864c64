import * as z from 'zod/mini';
import { ValidationError } from '../../errors';
import type { CreateCaseRequest } from '../../types';
import { toFieldErrors } from './issues';
import { CREATE_CASE_LIMITS as MAX } from './limits';

const text = (max: number) => z.optional(z.string().check(z.maxLength(max)));

// What FML rejects with 400 validation_error, checked before anything is sent. A field this schema does
// not know (one a newer FML accepts) is neither checked nor stripped: validateCreateCase returns the
// caller's own object, never the parse's output (so a looseObject would only cost bytes and a key scan).
const createCaseSchema = z.object({
  customerEmail: z.email().check(z.maxLength(MAX.customerEmail)),
  customerName: text(MAX.customerName),
  companyName: text(MAX.companyName),
  country: text(MAX.country),
  crmRecordId: text(MAX.crmRecordId),
  crmSource: text(MAX.crmSource),
  sendInvite: z.optional(z.boolean()),
});

/** Returns `body` unchanged when FML would accept it; else throws a local `ValidationError` listing every bad field. */
export function validateCreateCase(body: unknown): CreateCaseRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError({
      fields: [{ field: '(body)', message: 'must be an object with at least customerEmail' }],
    });
  }
  const result = createCaseSchema.safeParse(body);
  if (!result.success) throw new ValidationError({ fields: toFieldErrors(result.error.issues, body) });
  return body as CreateCaseRequest;
}
