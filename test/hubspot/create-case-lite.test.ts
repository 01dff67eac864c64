import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regexes } from 'zod/mini';
import { ValidationError } from '../../src/errors';
import { EMAIL, validateCreateCase as lite } from '../../src/hubspot/bundle/create-case-lite';
import { validateCreateCase as zodValidate } from '../../src/validation/create-case';

// The paste-ready HubSpot files use the lite validator in place of the zod one: they must agree.

function outcome(validate: (b: unknown) => unknown, body: unknown): unknown {
  try {
    validate(body);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ValidationError)) return `threw ${String(error)}`;
    return error.fields;
  }
}

const text = (max: number) => fc.oneof(fc.string({ maxLength: 5 }), fc.string({ minLength: max - 2, maxLength: max + 2 }), fc.emailAddress(), fc.constant(undefined), fc.integer(), fc.constant(null), fc.boolean());
const email = fc.oneof(fc.emailAddress(), fc.string(), fc.constantFrom('a@b.co', 'a@b', '@b.co', 'a.@b.co', 'a..b@c.io', "o'neil+x@sub.example.org", 'x@-b.com', 'Jane@ACME.EXAMPLE'), fc.string({ minLength: 318, maxLength: 330 }).map((s) => `${s.replace(/[^a-z]/gi, 'a') || 'a'}@example.com`), fc.integer(), fc.constant(undefined), fc.constant(null));

describe('create-case-lite (the bundle\'s validator)', () => {
  it('still uses zod\'s own email pattern', () => {
    expect(EMAIL.source).toBe(regexes.email.source);
    expect(EMAIL.flags).toBe(regexes.email.flags);
  });

  it('gives the same answer as the zod schema on generated bodies', () => {
    fc.assert(
      fc.property(
        fc.record(
          { customerEmail: email, customerName: text(500), companyName: text(500), country: text(200), crmRecordId: text(255), crmSource: text(100), sendInvite: fc.oneof(fc.boolean(), fc.constant('true'), fc.integer(), fc.constant(undefined)), extra: fc.anything() },
          { requiredKeys: [] },
        ),
        (body) => {
          expect(outcome(lite, body)).toEqual(outcome(zodValidate, body));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same answer for bodies that are not objects', () => {
    for (const body of [null, undefined, 'x', 1, [], [{}], true]) expect(outcome(lite, body)).toEqual(outcome(zodValidate, body));
  });
});
