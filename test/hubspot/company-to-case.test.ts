import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FmlConfigError, ValidationError } from '../../src/errors';
import { companyToCreateCase } from '../../src/hubspot/index';

const full = {
  companyId: 12345678901,
  name: ' Acme Holdings Ltd ',
  country: 'United Kingdom',
  email: ' jane@acme.example ',
  contact: 'Jane Doe',
};

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('companyToCreateCase', () => {
  it('maps the recipe inputs onto the create request and the hubspot-<id> key', () => {
    expect(companyToCreateCase(full)).toEqual({
      request: {
        customerEmail: 'jane@acme.example',
        customerName: 'Jane Doe',
        companyName: 'Acme Holdings Ltd',
        country: 'United Kingdom',
        crmRecordId: '12345678901',
        crmSource: 'hubspot',
        sendInvite: true,
      },
      idempotencyKey: 'hubspot-12345678901',
    });
  });

  it('accepts the id as text with whitespace, and as a bigint', () => {
    expect(companyToCreateCase({ ...full, companyId: ' 42 ' }).idempotencyKey).toBe('hubspot-42');
    expect(companyToCreateCase({ ...full, companyId: 9007199254740993n }).request.crmRecordId).toBe('9007199254740993');
  });

  it('leaves out unset optional properties instead of sending ""', () => {
    const { request } = companyToCreateCase({
      companyId: '7',
      email: 'a@b.example',
      name: '',
      country: '   ',
      contact: null,
    });
    expect(request).toEqual({ customerEmail: 'a@b.example', crmRecordId: '7', crmSource: 'hubspot', sendInvite: true });
    expect(Object.keys(request)).not.toContain('companyName');
  });

  it('appends idempotencyKeySuffix to the key, and only to the key', () => {
    const plain = companyToCreateCase(full);
    const bumped = companyToCreateCase(full, { idempotencyKeySuffix: 'v2' });
    expect(bumped).toEqual({ request: plain.request, idempotencyKey: `${plain.idempotencyKey}-v2` });
    expect(companyToCreateCase(full, { idempotencyKeySuffix: '' }).idempotencyKey).toBe(plain.idempotencyKey);
  });

  it('turns the invite off when asked', () => {
    expect(companyToCreateCase(full, { sendInvite: false }).request.sendInvite).toBe(false);
  });

  it('reads renamed inputs and names their property in errors', () => {
    const inputs = { email: 'kyb_contact_email', companyId: 'hs_object_id' };
    expect(
      companyToCreateCase({ hs_object_id: '5', kyb_contact_email: 'x@y.example' }, { inputs }).request,
    ).toMatchObject({ customerEmail: 'x@y.example', crmRecordId: '5' });
    const err = rejection(() => companyToCreateCase({ hs_object_id: '5', kyb_contact_email: '' }, { inputs }));
    expect(err.fields).toEqual([
      { field: 'kyb_contact_email', message: expect.stringContaining('kyb_contact_email is empty on this Company') },
    ]);
  });

  it('rejects an empty email naming kyb_contact_email, locally, with source "local"', () => {
    const err = rejection(() => companyToCreateCase({ ...full, email: '' }));
    expect(err.source).toBe('local');
    expect(err.code).toBe('validation_error');
    expect(err.fields).toHaveLength(1);
    expect(err.fields[0]!.field).toBe('email');
    expect(err.message).toContain('kyb_contact_email is empty on this Company');
  });

  it('says the input may be missing from the action when the key is absent', () => {
    const { email: _omit, ...rest } = full;
    const err = rejection(() => companyToCreateCase(rest));
    expect(err.message).toContain('or the action has no input "email"');
  });

  it('uses the property label given in the options', () => {
    const err = rejection(() =>
      companyToCreateCase({ ...full, email: '' }, { propertyLabels: { email: 'primary_contact_email' } }),
    );
    expect(err.message).toContain('primary_contact_email is empty on this Company');
  });

  it("rejects an invalid email with FML's rule, naming the property and echoing the value", () => {
    const err = rejection(() => companyToCreateCase({ ...full, email: 'jane@' }));
    expect(err.fields).toEqual([
      { field: 'email', message: 'kyb_contact_email must be a valid email address (got "jane@") (input "email")' },
    ]);
  });

  it('reports every problem at once', () => {
    const err = rejection(() => companyToCreateCase({ companyId: 'Acme Ltd', email: '', name: { nested: true } }));
    expect(err.fields.map((f) => f.field)).toEqual(['companyId', 'email', 'name']);
    expect(err.fields[0]!.message).toContain("hs_object_id must be the Company's Record ID");
    expect(err.fields[2]!.message).toContain('must be text, got an object');
  });

  it('rejects non-integer and negative numeric ids', () => {
    expect(rejection(() => companyToCreateCase({ ...full, companyId: 1.5 })).fields[0]!.field).toBe('companyId');
    expect(rejection(() => companyToCreateCase({ ...full, companyId: -3 })).fields[0]!.field).toBe('companyId');
  });

  it('rejects values longer than FML accepts, naming the property', () => {
    const err = rejection(() => companyToCreateCase({ ...full, name: 'x'.repeat(501) }));
    expect(err.fields).toEqual([
      { field: 'name', message: expect.stringMatching(/^name must be at most 500 characters/) },
    ]);
  });

  it('rejects inputFields that are not an object', () => {
    expect(rejection(() => companyToCreateCase(undefined)).fields.map((f) => f.field)).toEqual(['companyId', 'email']);
    expect(rejection(() => companyToCreateCase('nope')).fields.map((f) => f.field)).toEqual(['companyId', 'email']);
  });

  it('ignores __proto__ and constructor keys and never pollutes prototypes', () => {
    const input = JSON.parse(
      '{"__proto__":{"polluted":"yes","email":"evil@x.example"},"constructor":{"prototype":{"polluted":"yes"}},"companyId":"9","email":"ok@x.example"}',
    );
    const { request } = companyToCreateCase(input);
    expect(request.customerEmail).toBe('ok@x.example');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(request).sort()).toEqual(['crmRecordId', 'crmSource', 'customerEmail', 'sendInvite']);
    // An inherited email is not an input: only own keys count.
    const inherited = Object.create({ email: 'x@y.example' }) as Record<string, unknown>;
    inherited.companyId = '1';
    expect(rejection(() => companyToCreateCase(inherited)).fields[0]!.field).toBe('email');
  });

  it('refuses unusable options as configuration errors', () => {
    expect(() => companyToCreateCase(full, { inputs: { email: '' } })).toThrow(FmlConfigError);
    expect(() => companyToCreateCase(full, { sendInvite: 'yes' as unknown as boolean })).toThrow(FmlConfigError);
    for (const bad of ['x', 42, true, () => ({})])
      expect(() => companyToCreateCase(full, bad as never)).toThrow(FmlConfigError);
    expect(() => companyToCreateCase(full, { inputs: 'email' as never })).toThrow(/inputs must be an object/);
    // Values that cannot even be printed are described by type, never by String() (which would throw).
    expect(() => companyToCreateCase(full, { inputs: { email: Object.create(null) as string } })).toThrow(
      /inputs\.email must be a non-empty string, got object/,
    );
    expect(() => companyToCreateCase(full, { idempotencyKeySuffix: 7n as never })).toThrow(
      /idempotencyKeySuffix .* got bigint/,
    );
  });

  it('reads null or undefined options (and option groups) as the defaults', () => {
    const plain = companyToCreateCase(full);
    expect(companyToCreateCase(full, null)).toEqual(plain);
    expect(companyToCreateCase(full, undefined)).toEqual(plain);
    expect(companyToCreateCase(full, { inputs: null as never, propertyLabels: undefined })).toEqual(plain);
  });

  it('never throws anything but a ValidationError, whatever HubSpot passes', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.object(),
      fc.array(fc.string()),
    );
    fc.assert(
      fc.property(
        fc.record(
          { companyId: value, email: value, name: value, country: value, contact: value },
          { requiredKeys: [] },
        ),
        (inputs) => {
          try {
            const { request, idempotencyKey } = companyToCreateCase(inputs);
            // Whatever passed is what FML accepts: an email, a numeric id, the stable key.
            expect(request.crmRecordId).toMatch(/^\d+$/);
            expect(idempotencyKey).toBe(`hubspot-${request.crmRecordId}`);
            for (const v of Object.values(request)) expect(v).not.toBe('');
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
