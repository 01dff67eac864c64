// Property-based fuzzing (fast-check, 10,000 runs each) of everything that reads untrusted input:
// webhook bodies and signatures, HubSpot action inputs and request signatures, and FML error bodies.
// Each property: no exception escapes except an FmlError subclass, the result has the promised shape,
// and Object.prototype / Array.prototype are untouched afterwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FmlApiError, FmlError, ValidationError } from '../../src/errors';
import { normalizeFieldErrors } from '../../src/internal/error-body';
import { WebhookPayloadError, WebhookVerificationError } from '../../src/webhooks/errors';
import { companyToCreateCase } from '../../src/hubspot/company/company-to-case';
import { hubSpotSignature, verifyHubSpotSignature } from '../../src/hubspot/workflow-action/signature';
import {
  constructEvent,
  knownEventNames,
  parseEvent,
  verifySignature,
  verifySignatureSync,
} from '../../src/webhooks/index';
import { signWebhookBody } from '../../src/webhooks/sign';

const RUNS = 10_000;
const TIMEOUT = 60_000;

// ---------------------------------------------------------------------------------------------
// Prototype-pollution watch

const pristine = {
  object: Object.getOwnPropertyNames(Object.prototype).sort().join(),
  array: Object.getOwnPropertyNames(Array.prototype).sort().join(),
};
const POLLUTION_MARKERS = ['polluted', 'isAdmin', 'fuzz'];

function assertNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(pristine.object);
  expect(Object.getOwnPropertyNames(Array.prototype).sort().join()).toBe(pristine.array);
  const probe: Record<string, unknown> = {};
  for (const marker of POLLUTION_MARKERS) expect(probe[marker]).toBeUndefined();
}

/** Runs `fn`; returns its value, or the FmlError it threw; anything else thrown fails the property. */
function typedOutcome<T>(fn: () => T): T | FmlError {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FmlError) return error;
    throw new Error(`untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
  }
}
async function typedOutcomeAsync<T>(fn: () => Promise<T>): Promise<T | FmlError> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof FmlError) return error;
    throw new Error(`untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted', 'toString', 'hasOwnProperty'] as const;

/** JSON text whose objects carry `__proto__` / `constructor` keys at several depths (as JSON.parse makes them: own keys). */
const hostileJsonText = fc
  .tuple(
    fc.constantFrom(...HOSTILE_KEYS),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(...HOSTILE_KEYS),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(
    ([k1, v1, k2, v2]) =>
      `{"${k1}":{"polluted":true,"isAdmin":true},"${k2}":${JSON.stringify(v2) ?? 'null'},"fields":{"${k1}":${JSON.stringify(v1) ?? 'null'}},"nested":[{"${k1}":{"fuzz":1}}]}`,
  );

/** Any value at all, including objects with null prototypes, getters-free boxed values, bigints, symbols keys off. */
const anyValue = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    maxDepth: 3,
  }),
  hostileJsonText.map((t) => JSON.parse(t) as unknown),
);

/** Raw bodies as they arrive: text (JSON or not), bytes (UTF-8 or not). */
const rawBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  hostileJsonText,
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
);

/** Webhook payloads that are nearly right: real event names and field names, any values, extra keys. */
const eventLike = fc
  .tuple(
    fc.record(
      {
        event: fc.oneof(fc.constantFrom(...knownEventNames), fc.string(), fc.constant('__proto__'), fc.integer()),
        eventId: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
        eventVersion: fc.oneof(fc.constant(1), fc.integer(), fc.string(), fc.double()),
        timestamp: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
          fc.integer(),
        ),
        orgId: fc.oneof(fc.string(), fc.constant(null)),
        caseId: fc.oneof(fc.string(), fc.integer()),
        crmRecordId: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
        crmSource: fc.oneof(fc.constantFrom('hubspot', 'salesforce'), fc.string(), fc.constant(null)),
        companyName: fc.oneof(fc.string(), fc.constant(null)),
        source: fc.oneof(fc.constantFrom('manual', 'doc_upload', 'customer_review', 'analyst_override'), fc.string()),
        status: fc.oneof(fc.constantFrom('approved', 'declined', 'in-progress'), fc.string()),
        previousStatus: fc.oneof(fc.string(), fc.constant(null)),
        stage: fc.oneof(fc.constantFrom('created', 'invite_sent', 'decision_made'), fc.string()),
        stageLabel: fc.string(),
        roster: fc.jsonValue({ maxDepth: 2 }),
        summary: fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.array(
            fc.record({
              name: fc.string(),
              role: fc.oneof(fc.string(), fc.constant(null)),
              status: fc.constantFrom('clear', 'match', 'pep', 'sanctioned', 'other'),
            }),
          ),
        ),
        screened: fc.oneof(fc.nat(), fc.integer(), fc.string()),
        hitId: fc.oneof(fc.string(), fc.integer()),
        reviewId: fc.oneof(fc.integer(), fc.string()),
        recommendation: fc.constantFrom('Approve', 'Refer', 'Decline', 'approve', 'x'),
        confidence: fc.constantFrom('High', 'Medium', 'Low', 'x'),
        riskFactorCount: fc.oneof(fc.nat(), fc.string()),
        riskFactors: fc.array(fc.record({ text: fc.string(), severity: fc.string() }, { requiredKeys: [] })),
        completedAt: fc.string(),
        decidedAt: fc.string(),
        outcome: fc.jsonValue({ maxDepth: 1 }),
        fullParity: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_KEYS)), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const headerValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
const headersRecord = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom('x-fml-signature', 'X-FML-Signature', 'content-type', ...HOSTILE_KEYS)),
  headerValue,
  { maxKeys: 5 },
);
const signatureHeader = fc.oneof(
  fc.string(),
  fc.stringMatching(/^sha256=[0-9a-fA-F]{0,70}$/),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(undefined),
  fc.constant(null),
);
const secretArb = fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.string(), { maxLength: 3 }), fc.constant(''));

const SAMPLE_EVENT = JSON.stringify({
  event: 'case.status.changed',
  eventId: '7d8c4a52-1f7e-4d0a-9c7e-3b2a1f0e9d8c',
  eventVersion: 1,
  timestamp: '2026-01-01T00:00:00.000Z',
  orgId: 'org_1',
  caseId: 'CS-1',
  status: 'approved',
  previousStatus: 'in-progress',
});

// ---------------------------------------------------------------------------------------------

describe('fuzz: webhook parsing', () => {
  it(
    `parseEvent: any raw body → a WebhookEvent or WebhookPayloadError (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            rawBody,
            eventLike.map((e) => JSON.stringify(e)),
          ),
          (body) => {
            const out = typedOutcome(() => parseEvent(body));
            if (out instanceof FmlError) {
              expect(out).toBeInstanceOf(WebhookPayloadError);
              expect(Array.isArray((out as WebhookPayloadError).issues)).toBe(true);
            } else {
              expect(typeof out.event).toBe('string');
              expect(typeof out.eventId).toBe('string');
              expect([Object.prototype, null]).toContain(Object.getPrototypeOf(out));
            }
            assertNoPollution();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `parseEvent: any already-parsed value → a WebhookEvent or WebhookPayloadError (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(fc.oneof(anyValue, eventLike), (value) => {
          const out = typedOutcome(() => parseEvent(value as object));
          if (out instanceof FmlError) expect(out).toBeInstanceOf(WebhookPayloadError);
          else expect(typeof out.event).toBe('string');
          assertNoPollution();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('fuzz: webhook verification', () => {
  it(
    `verifySignatureSync: any body, header and secret → a boolean or a typed error (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(fc.oneof(rawBody, anyValue), signatureHeader, secretArb, (body, header, secret) => {
          const out = typedOutcome(() => verifySignatureSync(body, header as string, secret));
          if (out instanceof FmlError)
            expect(out.code === 'configuration_error' || out instanceof WebhookVerificationError).toBe(true);
          else expect(out).toBe(false); // a random header never matches
          assertNoPollution();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `sign → verify round-trips for any body and secret, and one changed byte fails (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 200 })),
          fc.string({ minLength: 1, maxLength: 60 }),
          fc.nat(),
          async (body, secret, at) => {
            const signature = signWebhookBody(body, secret);
            expect(verifySignatureSync(body, signature, secret)).toBe(true);
            expect(
              await verifySignature(body, signature.toUpperCase().replace('SHA256=', 'sha256='), [
                `other-${secret}`,
                secret,
              ]),
            ).toBe(true);
            const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
            if (bytes.length > 0) {
              const changed = Uint8Array.from(bytes);
              changed[at % changed.length] = changed[at % changed.length]! ^ 0x01;
              expect(verifySignatureSync(changed, signature, secret)).toBe(false);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `constructEvent: any body with any headers → a WebhookEvent or a typed error, and only a signed, valid body passes (${RUNS} runs)`,
    async () => {
      const secret = 'whsec_fuzz_secret';
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            rawBody,
            eventLike.map((e) => JSON.stringify(e)),
            fc.constant(SAMPLE_EVENT),
          ),
          headersRecord,
          fc.boolean(),
          async (body, headers, sign) => {
            const withSignature = sign ? { ...headers, 'x-fml-signature': signWebhookBody(body, secret) } : headers;
            const out = await typedOutcomeAsync(() => constructEvent(body, withSignature, secret));
            if (out instanceof FmlError)
              expect(out instanceof WebhookVerificationError || out instanceof WebhookPayloadError).toBe(true);
            else {
              expect(sign).toBe(true);
              expect(typeof out.eventId).toBe('string');
            }
            assertNoPollution();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('fuzz: HubSpot', () => {
  const inputValue = fc.oneof(
    fc.string(),
    fc.emailAddress(),
    fc.integer(),
    fc.bigInt(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
    fc.string().map((s) => ` ${s}\n`),
  );
  const inputFields = fc.oneof(
    fc.record(
      {
        companyId: inputValue,
        name: inputValue,
        country: inputValue,
        email: fc.oneof(fc.emailAddress(), inputValue),
        contact: inputValue,
      },
      { requiredKeys: [] },
    ),
    fc
      .tuple(
        fc.record({ companyId: fc.oneof(fc.nat(), fc.stringMatching(/^\d{1,12}$/)), email: fc.emailAddress() }),
        fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), inputValue),
      )
      .map(([a, b]) => ({ ...b, ...a })),
    anyValue,
  );

  it(
    `companyToCreateCase: any inputFields → a create request with its key, or a ValidationError (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(inputFields, (fields) => {
          const out = typedOutcome(() => companyToCreateCase(fields));
          if (out instanceof FmlError) {
            expect(out).toBeInstanceOf(ValidationError);
            expect((out as ValidationError).fields.length).toBeGreaterThan(0);
          } else {
            expect(typeof out.request.customerEmail).toBe('string');
            expect(out.request.crmSource).toBe('hubspot');
            expect(out.idempotencyKey).toBe(`hubspot-${out.request.crmRecordId}`);
            expect(
              Object.keys(out.request).every((k) =>
                [
                  'customerEmail',
                  'customerName',
                  'companyName',
                  'country',
                  'crmRecordId',
                  'crmSource',
                  'sendInvite',
                ].includes(k),
              ),
            ).toBe(true);
          }
          assertNoPollution();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `companyToCreateCase: any mapping options → a result, a ValidationError or an FmlConfigError (${RUNS} runs)`,
    () => {
      const names = fc.oneof(
        fc.constantFrom('companyId', 'email', 'kyb_contact_email', ...HOSTILE_KEYS),
        fc.string(),
        fc.integer(),
      );
      const options = fc.record(
        {
          inputs: fc.dictionary(
            fc.constantFrom('companyId', 'name', 'country', 'email', 'contact', ...HOSTILE_KEYS),
            names,
          ),
          propertyLabels: fc.dictionary(fc.string(), names),
          sendInvite: fc.oneof(fc.boolean(), fc.string()),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(inputFields, fc.oneof(options, anyValue), (fields, opts) => {
          const out = typedOutcome(() => companyToCreateCase(fields, opts as never));
          if (out instanceof FmlError) expect(['validation_error', 'configuration_error']).toContain(out.code);
          assertNoPollution();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `verifyHubSpotSignature: any request → { valid } answer, never a throw; a genuine v3 signature verifies (${RUNS} runs)`,
    async () => {
      const hubspotHeaders = fc.dictionary(
        fc.constantFrom(
          'x-hubspot-signature',
          'X-HubSpot-Signature-v3',
          'x-hubspot-signature-version',
          'x-hubspot-request-timestamp',
          'content-type',
          ...HOSTILE_KEYS,
        ),
        fc.oneof(
          fc.string(),
          fc.constantFrom('v1', 'v2', 'v3', 'V2'),
          fc.nat().map(String),
          fc.array(fc.string(), { maxLength: 2 }),
        ),
        { maxKeys: 5 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.string(),
          fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string()),
          fc.oneof(rawBody, anyValue),
          hubspotHeaders,
          fc.oneof(fc.string(), fc.constant('')),
          fc.boolean(),
          async (method, url, body, headers, secret, genuine) => {
            const now = 1_760_000_000_000;
            let input = { method: method || 'POST', url, body: body as string, headers, secret, now };
            if (genuine && secret && (typeof body === 'string' || body instanceof Uint8Array)) {
              const timestamp = String(now - 1000);
              const signature = await hubSpotSignature({
                version: 'v3',
                secret,
                method: input.method,
                url,
                body,
                timestamp,
              });
              input = {
                ...input,
                headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
              };
            }
            const out = await typedOutcomeAsync(() => verifyHubSpotSignature(input));
            expect(out).not.toBeInstanceOf(FmlError);
            const result = out as Awaited<ReturnType<typeof verifyHubSpotSignature>>;
            expect(typeof result.valid).toBe('boolean');
            if (!result.valid) expect(typeof result.reason).toBe('string');
            if (genuine && secret && (typeof body === 'string' || body instanceof Uint8Array))
              expect(result).toEqual({ valid: true, version: 'v3' });
            assertNoPollution();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('fuzz: FML error bodies', () => {
  it(
    `normalizeFieldErrors: any body → a list of { field, message } strings (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            anyValue,
            fc.record({ fields: anyValue, errors: anyValue, details: anyValue }, { requiredKeys: [] }),
          ),
          (body) => {
            const out = typedOutcome(() => normalizeFieldErrors(body));
            expect(out).not.toBeInstanceOf(FmlError);
            for (const f of out as ReturnType<typeof normalizeFieldErrors>) {
              expect(typeof f.field).toBe('string');
              expect(typeof f.message).toBe('string');
              expect(Object.keys(f).sort()).toEqual(['field', 'message']);
            }
            assertNoPollution();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `FmlApiError.from: any status, JSON body and headers → an FmlApiError that serialises (${RUNS} runs)`,
    () => {
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        hostileJsonText.map((t) => JSON.parse(t) as unknown),
        fc.string(),
        fc.constant(undefined),
        fc.record(
          {
            error: fc.oneof(
              fc.constantFrom(
                'invalid_client',
                'insufficient_scope',
                'validation_error',
                'idempotency_key_conflict',
                'invalid_token',
              ),
              fc.string(),
              fc.integer(),
            ),
            code: fc.string(),
            message: fc.oneof(fc.string(), fc.integer()),
            error_description: fc.string(),
            fields: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
      );
      const headers = fc.oneof(
        fc.dictionary(
          fc.oneof(fc.string(), fc.constantFrom('Retry-After', 'x-request-id', 'set-cookie', ...HOSTILE_KEYS)),
          fc.oneof(fc.string(), fc.nat().map(String)),
        ),
        fc.constant(new Headers({ 'retry-after': '3', 'x-request-id': 'req_1' })),
      );
      fc.assert(
        fc.property(fc.integer({ min: 100, max: 599 }), body, headers, (status, b, h) => {
          const out = typedOutcome(() => FmlApiError.from({ status, body: b, headers: h as Record<string, string> }));
          expect(out).toBeInstanceOf(FmlApiError);
          const e = out as FmlApiError;
          expect(e.status).toBe(status);
          expect(typeof e.message).toBe('string');
          expect(typeof e.code).toBe('string');
          expect(() => JSON.stringify(e)).not.toThrow();
          assertNoPollution();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
