import nock from 'nock';
import { describe, expect, it } from 'vitest';
import * as sdk from '../../src/index';
import { FmlApiError } from '../../src/index';
import { normalizeFieldErrors } from '../../src/internal/error-body';
import { parseRetryAfter } from '../../src/internal/headers';
import { BASE, makeClient, mockToken, validCreate, useNock } from '../helpers/fml-nock';

useNock();

describe('error mapping', () => {
  it.each([
    [401, { error: 'invalid_client' }, 'InvalidClientError', 'invalid_client', /copy both again/i],
    [
      403,
      { error: 'insufficient_scope' },
      'InsufficientScopeError',
      'insufficient_scope',
      /lacks the scope this call needs/,
    ],
    [
      400,
      { error: 'validation_error', fields: [{ field: 'customerEmail', message: 'is required' }] },
      'ValidationError',
      'validation_error',
      /customerEmail: is required/,
    ],
    [
      409,
      { error: 'idempotency_key_conflict' },
      'IdempotencyKeyConflictError',
      'idempotency_key_conflict',
      /fresh key/,
    ],
    [404, { error: 'not_found' }, 'NotFoundError', 'not_found', /another FML tenant/],
    [429, { error: 'rate_limited' }, 'RateLimitError', 'rate_limited', /120 requests\/min/],
    [500, { error: 'internal' }, 'ServerError', 'server_error', /same Idempotency-Key/],
    [403, { error: 'forbidden' }, 'PermissionDeniedError', 'permission_denied', /refused/],
    [409, { error: 'other' }, 'ConflictError', 'conflict', /conflict/],
    [418, { error: 'teapot' }, 'FmlApiError', 'teapot', /rejected/],
    [422, 'plain text', 'FmlApiError', 'http_422', /plain text/],
  ])('maps %i %j to %s', (status, body, name, code, message) => {
    const error = FmlApiError.from({ status, body, headers: { 'X-Request-Id': 'req_123' } });
    expect(error.constructor.name).toBe(name);
    expect(error).toBeInstanceOf((sdk as unknown as Record<string, typeof FmlApiError>)[name]);
    expect(error).toMatchObject({ status, code, requestId: 'req_123' });
    expect(error.message).toMatch(message);
  });

  it('reads the code from `code` when `error` is absent', () => {
    expect(FmlApiError.from({ status: 403, body: { code: 'insufficient_scope' }, headers: {} })).toBeInstanceOf(
      sdk.InsufficientScopeError,
    );
  });

  it('surfaces invalid_client from the token endpoint with the fix, and no secret', async () => {
    nock(BASE)
      .post('/v1/oauth/token')
      .reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const error = await makeClient()
      .cases.create(validCreate)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.InvalidClientError);
    expect((error as Error).message).toContain('FML_CLIENT_SECRET');
  });

  it('passes a server validation_error through with its fields', async () => {
    mockToken();
    nock(BASE)
      .post('/v1/cases')
      .reply(400, { error: 'validation_error', fields: { customerEmail: 'must be an email', country: ['too long'] } });
    const error = (await makeClient()
      .cases.create(validCreate)
      .catch((e: unknown) => e)) as sdk.ValidationError;
    expect(error).toBeInstanceOf(sdk.ValidationError);
    expect(error.source).toBe('server');
    expect(error.fields).toEqual([
      { field: 'customerEmail', message: 'must be an email' },
      { field: 'country', message: 'too long' },
    ]);
  });
});

describe('normalizeFieldErrors', () => {
  it('reads every documented shape', () => {
    expect(
      normalizeFieldErrors({
        fields: [
          { field: 'a', message: 'x' },
          { path: ['b', 0], code: 'too_short' },
        ],
      }),
    ).toEqual([
      { field: 'a', message: 'x' },
      { field: 'b.0', message: 'too_short' },
    ]);
    expect(normalizeFieldErrors({ errors: { a: 'x' } })).toEqual([{ field: 'a', message: 'x' }]);
    expect(normalizeFieldErrors({ fields: 'nonsense' })).toEqual([]);
    expect(normalizeFieldErrors(null)).toEqual([]);
  });

  it('treats __proto__ and constructor as plain field names, polluting nothing', () => {
    const body = JSON.parse('{"fields":{"__proto__":"bad","constructor":"worse"}}');
    const fields = normalizeFieldErrors(body);
    expect(fields).toEqual([
      { field: '__proto__', message: 'bad' },
      { field: 'constructor', message: 'worse' },
    ]);
    const error = FmlApiError.from({
      status: 400,
      body: JSON.parse('{"error":"validation_error","__proto__":{"polluted":true}}'),
      headers: {},
    });
    expect((error.body as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('errors across realms', () => {
  it('gives every error class a stable string code', () => {
    const codes = [
      new sdk.FmlConnectionError(),
      new sdk.FmlTimeoutError(),
      new sdk.FmlAbortError(),
      new sdk.FmlConfigError('x'),
      new sdk.WebhookVerificationError('signature_mismatch', 'x'),
      new sdk.WebhookPayloadError([]),
    ].map((e) => e.code);
    expect(codes).toEqual([
      'connection_error',
      'timeout',
      'aborted',
      'configuration_error',
      'webhook_verification_failed',
      'webhook_payload_invalid',
    ]);
  });
});
