import { describe, expect, it } from 'vitest';
import { loadOpenApiValidator } from '../helpers/openapi-validator';

// The contract tests are only as good as this validator: prove it catches what it must.
const spec = loadOpenApiValidator();
const json = { 'content-type': 'application/json' };
const validCase = {
  caseId: 'c1',
  status: 'in-progress',
  customerEmail: 'a@b.example',
  inviteSentAt: null,
  customerPortalUrl: 'http://127.0.0.1:1/p',
};

describe('openapi-validator helper', () => {
  it('accepts a valid response and resolves templated paths', () => {
    expect(spec.operationFor('GET', '/v1/cases/abc')?.operationId).toBe('getCase');
    expect(
      spec.responseProblems({
        method: 'GET',
        path: '/v1/cases/abc',
        status: 200,
        headers: json,
        body: JSON.stringify(validCase),
      }),
    ).toEqual([]);
  });

  it('flags bad bodies, wrong media types, non-JSON and unknown operations', () => {
    const missingStatus = spec.responseProblems({
      method: 'GET',
      path: '/v1/cases/abc',
      status: 200,
      headers: json,
      body: JSON.stringify({ caseId: 'c1' }),
    });
    expect(missingStatus.join('\n')).toMatch(/status/);
    const badType = spec.responseProblems({
      method: 'GET',
      path: '/v1/cases/abc',
      status: 200,
      headers: json,
      body: JSON.stringify({ ...validCase, inviteSentAt: 'yesterday' }),
    });
    expect(badType.join('\n')).toMatch(/inviteSentAt/);
    expect(
      spec.responseProblems({
        method: 'GET',
        path: '/v1/cases/abc',
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<p>',
      }),
    ).not.toEqual([]);
    expect(
      spec.responseProblems({ method: 'GET', path: '/v1/cases/abc', status: 200, headers: json, body: '{' }),
    ).not.toEqual([]);
    expect(
      spec.responseProblems({ method: 'DELETE', path: '/v1/cases/abc', status: 200, headers: json, body: '{}' }),
    ).not.toEqual([]);
    expect(
      spec.responseProblems({
        method: 'GET',
        path: '/v1/cases',
        status: 404,
        headers: json,
        body: JSON.stringify({ message: 'no error code' }),
      }),
    ).not.toEqual([]);
  });

  it('flags requests with undeclared query parameters, bad values, missing bearer or invalid bodies', () => {
    const bearer = { authorization: 'Bearer t' };
    expect(
      spec.requestProblems({
        method: 'GET',
        url: '/v1/cases?limit=10&updated_since=2026-01-01T00:00:00Z',
        headers: bearer,
      }),
    ).toEqual([]);
    expect(
      spec
        .requestProblems({ method: 'GET', url: '/v1/cases?updatedSince=2026-01-01T00:00:00Z', headers: bearer })
        .join(),
    ).toMatch(/updatedSince is not declared/);
    expect(spec.requestProblems({ method: 'GET', url: '/v1/cases?limit=500', headers: bearer }).join()).toMatch(
      /limit/,
    );
    expect(spec.requestProblems({ method: 'GET', url: '/v1/cases', headers: {} }).join()).toMatch(/Bearer/);
    expect(
      spec
        .requestProblems({
          method: 'POST',
          url: '/v1/cases',
          headers: { ...bearer, ...json },
          body: JSON.stringify({ customerEmail: 'nope' }),
        })
        .join(),
    ).toMatch(/email/);
    expect(
      spec
        .requestProblems({
          method: 'POST',
          url: '/v1/cases',
          headers: { ...bearer, ...json, 'idempotency-key': 'k'.repeat(256) },
          body: JSON.stringify({ customerEmail: 'a@b.example' }),
        })
        .join(),
    ).toMatch(/Idempotency-Key/);
    expect(
      spec.requestProblems({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=a&client_secret=b',
      }),
    ).toEqual([]);
    expect(
      spec.requestProblems({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: json,
        body: JSON.stringify({ grant_type: 'password', client_id: 'a', client_secret: 'b' }),
      }),
    ).not.toEqual([]);
  });

  it('checks webhook deliveries against their event schema and the signature format', () => {
    const event = {
      event: 'case.status.changed',
      eventId: '3f1c2a9e-4b7d-4e21-9a0c-6d5e8f7a1b2c',
      eventVersion: 1,
      timestamp: '2026-05-16T10:02:00.000Z',
      orgId: 'o',
      caseId: 'c',
      status: 'approved',
      previousStatus: 'in-progress',
    };
    const sig = { 'x-fml-signature': `sha256=${'a'.repeat(64)}` };
    expect(spec.webhookProblems({ headers: sig, body: JSON.stringify(event) })).toEqual([]);
    expect(
      spec.webhookProblems({ headers: sig, body: JSON.stringify({ ...event, previousStatus: undefined }) }),
    ).not.toEqual([]);
    expect(
      spec.webhookProblems({ headers: { 'x-fml-signature': 'md5=abc' }, body: JSON.stringify(event) }),
    ).not.toEqual([]);
    expect(
      spec.webhookProblems({ headers: sig, body: JSON.stringify({ ...event, event: 'brand.new.event' }) }),
    ).toEqual([]);
  });
});
