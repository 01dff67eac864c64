import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import type { components, paths } from '../../generated/openapi';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// A loose view of the document: the assertions below are what pin its shape down.
// biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is walked freely; the expectations pin its shape
type Loose = any;
const spec: Loose = parse(readFileSync(`${ROOT}openapi.yaml`, 'utf8'));

/** Every event fml-api.md §5 lists. */
const DOCUMENTED_EVENTS = [
  'case.created',
  'case.submitted',
  'case.status.changed',
  'case.decision.made',
  'case.onboarding_progress.changed',
  'screening.completed',
  'screening.hit.detected',
  'screening.hit.triaged',
  'ai_review.completed',
  'case.data_package.delivered',
  'data.corrected',
];

/** [path, method, operationId, inferred?] */
const OPERATIONS: Array<[string, string, string, boolean]> = [
  ['/v1/oauth/token', 'post', 'createToken', false],
  ['/v1/cases', 'get', 'listCases', false],
  ['/v1/cases', 'post', 'createCase', false],
  ['/v1/cases/{caseId}', 'get', 'getCase', true],
  ['/v1/events', 'get', 'listEvents', true],
  ['/v1/cases/{caseId}/screening/disposition', 'post', 'recordScreeningDisposition', true],
  ['/api/cases/{caseId}/crm-record-id', 'post', 'setCaseCrmRecordId', true],
];

/** Resolves a local `$ref` (one level) so assertions can look inside. */
function deref(node: Loose): Loose {
  if (!node?.$ref) return node;
  return (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce((at: Loose, key) => at[key], spec);
}

/** Keywords whose value is a schema, or a list of schemas. */
const SUBSCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']);

/** Every schema object in the document (components, parameters, headers, bodies), with where it is. */
function* schemasIn(node: Loose, at: string, isSchema = false): Generator<[string, Loose]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* schemasIn(item, `${at}[${i}]`, isSchema);
    return;
  }
  if (isSchema) {
    yield [at, node];
    for (const [name, sub] of Object.entries<Loose>(node.properties ?? {}))
      yield* schemasIn(sub, `${at}.properties.${name}`, true);
    for (const key of SUBSCHEMA_KEYWORDS) yield* schemasIn(node[key], `${at}.${key}`, true);
    return;
  }
  for (const [key, value] of Object.entries<Loose>(node)) {
    if (key === 'examples' || key === 'example') continue;
    if (at === '.components.schemas') yield* schemasIn(value, `${at}.${key}`, true);
    else yield* schemasIn(value, `${at}.${key}`, key === 'schema');
  }
}

describe('openapi.yaml', () => {
  it('is the OpenAPI 3.1 "First Mile Labs Public Pull API" 1.0.0 on www.firstmilelabs.com', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.info).toMatchObject({ title: 'First Mile Labs Public Pull API', version: '1.0.0' });
    expect(spec.servers.map((s: Loose) => s.url)).toEqual(['https://www.firstmilelabs.com']);
  });

  it.each(OPERATIONS)('has %s %s as %s', (path, method, operationId, inferred) => {
    const operation = spec.paths[path]?.[method];
    expect(operation?.operationId).toBe(operationId);
    if (inferred) expect(operation['x-fml-inferred']).toBe(true);
    else expect(operation['x-fml-inferred']).toBeUndefined();
  });

  it('has no operation beyond the documented and inferred ones', () => {
    const ids = Object.values(spec.paths).flatMap((item: Loose) =>
      Object.values(item).map((op: Loose) => op.operationId),
    );
    expect(ids.sort()).toEqual(OPERATIONS.map(([, , id]) => id).sort());
  });

  it('asks for the documented scope on each call, and no bearer on the token endpoint (body or HTTP Basic client auth)', () => {
    const scopes = (path: string, method: string) =>
      spec.paths[path][method].security.flatMap((req: Loose) => req.oauth2 ?? []);
    // `{}`: client_secret_post (credentials in the body); `clientBasic`: client_secret_basic.
    expect(spec.paths['/v1/oauth/token'].post.security).toEqual([{}, { clientBasic: [] }]);
    expect(spec.components.securitySchemes.clientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(spec.components.schemas.TokenRequest.required).toEqual(['grant_type']);
    expect(scopes('/v1/cases/{caseId}/screening/disposition', 'post')).toEqual(['cases:write']);
    expect(scopes('/api/cases/{caseId}/crm-record-id', 'post')).toEqual(['cases:write']);
    expect(scopes('/v1/cases', 'get')).toEqual(['read:cases']);
    expect(scopes('/v1/cases', 'post')).toEqual(['cases:write']);
    expect(scopes('/v1/cases/{caseId}', 'get')).toEqual(['read:cases']);
    expect(scopes('/v1/events', 'get')).toEqual(['read:events']);
  });

  it('declares bearer and client-credentials security with every documented scope', () => {
    const { bearerAuth, oauth2 } = spec.components.securitySchemes;
    expect(bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(oauth2.flows.clientCredentials.tokenUrl).toBe('/v1/oauth/token');
    expect(Object.keys(oauth2.flows.clientCredentials.scopes).sort()).toEqual(
      [
        'read:cases',
        'read:documents',
        'read:events',
        'read:decisions',
        'read:screening',
        'read:full_case',
        'cases:write',
      ].sort(),
    );
  });

  it('accepts the token request as JSON and as a form', () => {
    const content = spec.paths['/v1/oauth/token'].post.requestBody.content;
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      expect(content[type].schema.$ref).toBe('#/components/schemas/TokenRequest');
    }
    const responses = spec.paths['/v1/oauth/token'].post.responses;
    expect(deref(responses['400']).content['application/json'].schema.$ref).toBe('#/components/schemas/OAuthError');
    expect(deref(responses['401']).content['application/json'].schema.$ref).toBe('#/components/schemas/OAuthError');
    expect(deref(responses['429']).headers['Retry-After']).toBeDefined();
  });

  it('documents every createCase answer: 201, the 200 replay, and each error with ApiError', () => {
    const { responses, parameters } = spec.paths['/v1/cases'].post;
    expect(Object.keys(responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '429', 'default']);
    for (const status of ['200', '201']) {
      expect(responses[status].content['application/json'].schema.$ref).toBe('#/components/schemas/Case');
      expect(deref(responses[status].headers['Idempotent-Replay']).schema.type).toBe('string');
    }
    for (const status of ['400', '401', '403', '409', '429', 'default']) {
      expect(deref(responses[status]).content['application/json'].schema.$ref, status).toBe(
        '#/components/schemas/ApiError',
      );
    }
    expect(deref(responses['429']).headers['Retry-After']).toBeDefined();
    expect(parameters).toContainEqual(
      expect.objectContaining({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: expect.objectContaining({ minLength: 1, maxLength: 255 }),
      }),
    );
  });

  it("lets every API response carry X-Request-Id, marked as the SDK's decision", () => {
    expect(spec.components.headers['X-Request-Id']['x-fml-inferred']).toBe(true);
    for (const [path, item] of Object.entries<Loose>(spec.paths)) {
      for (const [method, operation] of Object.entries<Loose>(item)) {
        for (const [status, response] of Object.entries<Loose>(operation.responses)) {
          expect(deref(response).headers?.['X-Request-Id']?.$ref, `${method} ${path} ${status}`).toBe(
            '#/components/headers/X-Request-Id',
          );
        }
      }
    }
  });

  it('defines every schema the SDK imports by name', () => {
    const names = [
      'Case',
      'CreateCaseRequest',
      'CaseList',
      'TokenRequest',
      'TokenResponse',
      'OAuthError',
      'ApiError',
      'FieldError',
      'EventList',
      'WebhookEventCommon',
      'WebhookEvent',
      'CaseCreatedEvent',
      'CaseSubmittedEvent',
      'CaseStatusChangedEvent',
      'CaseDecisionMadeEvent',
      'CaseOnboardingProgressChangedEvent',
      'ScreeningCompletedEvent',
      'ScreeningHitDetectedEvent',
      'ScreeningHitTriagedEvent',
      'AiReviewCompletedEvent',
      'CaseDataPackageDeliveredEvent',
      'DataCorrectedEvent',
    ];
    for (const name of names) expect(spec.components.schemas[name], name).toBeDefined();
  });

  it('requires only caseId and status on a Case, and marks the inferred timestamps', () => {
    const kase = spec.components.schemas.Case;
    expect(kase.required).toEqual(['caseId', 'status']);
    expect(kase.properties.createdAt['x-fml-inferred']).toBe(true);
    expect(kase.properties.updatedAt['x-fml-inferred']).toBe(true);
    for (const nullable of ['entityType', 'crmRecordId', 'crmSource', 'inviteSentAt', 'companyNumber']) {
      expect(kase.properties[nullable].type, nullable).toEqual(['string', 'null']);
    }
  });

  it('has a signed webhooks entry and a published JSON Schema for every documented event', () => {
    const index = JSON.parse(readFileSync(`${ROOT}generated/schemas/webhooks/index.json`, 'utf8'));
    expect(Object.keys(spec.webhooks).sort()).toEqual([...DOCUMENTED_EVENTS].sort());
    for (const event of DOCUMENTED_EVENTS) {
      const post = spec.webhooks[event].post;
      expect(post.parameters.map(deref)).toContainEqual(
        expect.objectContaining({ name: 'X-FML-Signature', in: 'header', required: true }),
      );
      const schema = deref(post.requestBody.content['application/json'].schema);
      expect(schema.allOf[0].$ref, event).toBe('#/components/schemas/WebhookEventCommon');
      expect(schema.allOf[1].properties.event.const, event).toBe(event);
      expect(existsSync(`${ROOT}generated/schemas/webhooks/${event}.v1.json`), event).toBe(true);
      expect(index.schemas).toContainEqual(expect.objectContaining({ event, version: 1, file: `${event}.v1.json` }));
    }
  });

  it('types the common webhook fields as §5 says', () => {
    const common = spec.components.schemas.WebhookEventCommon;
    expect(common.required).toEqual(['event', 'eventId', 'eventVersion', 'timestamp', 'orgId', 'caseId']);
    for (const nullable of ['crmRecordId', 'crmSource', 'companyName'])
      expect(common.properties[nullable].type).toEqual(['string', 'null']);
    const anyOf = spec.components.schemas.WebhookEvent.anyOf.map((s: Loose) => s.$ref);
    expect(anyOf).toHaveLength(DOCUMENTED_EVENTS.length + 1);
    expect(anyOf.at(-1)).toBe('#/components/schemas/WebhookEventCommon');
  });

  it('stays forward compatible: no closed enum, no closed object', () => {
    const schemas = [...schemasIn(spec, '')];
    const found = new Set(schemas.map(([at]) => at));
    // The walk reaches component, parameter, header and webhook body schemas alike.
    for (const at of [
      '.components.schemas.Case.properties.status',
      '.components.schemas.CaseStatusChangedEvent.allOf[1].properties.recommendation',
      '.components.schemas.ScreeningSummaryEntry.properties.status',
      '.components.headers.Idempotent-Replay.schema',
      '.paths./v1/cases.get.parameters[2].schema',
    ])
      expect(found, at).toContain(at);
    for (const [at, schema] of schemas) {
      expect(schema.enum, `${at} uses enum; open sets are plain strings with x-fml-known-values`).toBeUndefined();
      expect(schema.additionalProperties, `${at} forbids additional properties`).not.toBe(false);
      expect(schema.unevaluatedProperties, at).not.toBe(false);
    }
    const consts = schemas.filter(([, s]) => s.const !== undefined).map(([at]) => at);
    // Only the event discriminators and the OAuth grant type are fixed values.
    expect(consts.filter((at) => !at.endsWith('.properties.event') && !at.endsWith('.properties.grant_type'))).toEqual(
      [],
    );
  });
});

describe('generated/openapi.ts', () => {
  type Schemas = components['schemas'];

  it('types open sets as string and keeps unknown fields', () => {
    expectTypeOf<Schemas['Case']['status']>().toEqualTypeOf<string>();
    expectTypeOf<Schemas['CaseStatusChangedEvent']['previousStatus']>().toEqualTypeOf<string | null>();
    expectTypeOf<Schemas['CaseStatusChangedEvent']['event']>().toEqualTypeOf<'case.status.changed'>();
    expectTypeOf<Schemas['WebhookEventCommon']['event']>().toEqualTypeOf<string>();
    const future: Schemas['Case'] = { caseId: 'CS-2026-00471', status: 'escalated', riskTier: 'high' };
    expect(future.riskTier).toBe('high');
  });

  it('types createCase from the spec', () => {
    type Create = paths['/v1/cases']['post'];
    expectTypeOf<Create['requestBody']>().toEqualTypeOf<{
      content: { 'application/json': Schemas['CreateCaseRequest'] };
    }>();
    expectTypeOf<Create['responses'][201]['content']['application/json']>().toEqualTypeOf<Schemas['Case']>();
    expectTypeOf<NonNullable<Create['parameters']['header']>['Idempotency-Key']>().toEqualTypeOf<string | undefined>();
  });
});
