// Every example in openapi.yaml — request and response bodies (each status), parameters, headers and
// webhook events — validates against the schema it sits next to; every operation, status, header and
// event has at least one; and each webhook example is also valid under FML's own published schema
// (reference §7, test/fixtures/fml-published-facts.ts), the shipped JSON Schema and the SDK's parser.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isKnownEvent, parseEvent } from '../../src/webhooks';
import { FML_EVENT_FACTS, fmlJsonSchema } from '../fixtures/fml-published-facts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
// biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is walked freely; the expectations pin its shape
type Node = Record<string, any>;

const spec = parseYaml(readFileSync(fileURLToPath(new URL('../../openapi.yaml', import.meta.url)), 'utf8')) as Node;
const SPEC_ID = 'urn:fml:openapi';

/** The object a local `$ref` points at (or the node itself). */
function deref(node: Node): Node {
  let n = node;
  for (let i = 0; typeof n?.$ref === 'string' && i < 10; i++) {
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: Node, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    if (n === undefined) throw new Error(`unresolved ${node.$ref}`);
  }
  return n;
}

/** A schema as ajv compiles it: local refs point into the spec loaded under SPEC_ID. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : rebase(v),
    ]),
  );
}

// strict: false only for the spec itself, whose x-fml-* keywords are OpenAPI extensions.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

interface Found {
  where: string;
  name: string;
  value: unknown;
  schema: unknown;
}

/** The named examples (resolved) of a media type, parameter or header, plus a lone `example`. */
function examplesOf(holder: Node): { name: string; value: unknown }[] {
  const out = Object.entries(holder.examples ?? {}).map(([name, ex]) => ({ name, value: deref(ex as Node).value }));
  if (holder.example !== undefined) out.push({ name: 'example', value: holder.example });
  return out;
}

const HTTP = ['get', 'put', 'post', 'delete', 'patch'];
const operations: { where: string; op: Node; webhook?: string }[] = [];
for (const [path, item] of Object.entries(spec.paths as Node))
  for (const m of HTTP) if (item[m]) operations.push({ where: `${m.toUpperCase()} ${path}`, op: item[m] });
for (const [event, item] of Object.entries(spec.webhooks as Node))
  operations.push({ where: `webhook ${event}`, op: item.post, webhook: event });

/** Everything with examples the spec holds, and what lacks them. */
function survey(): { found: Found[]; missing: string[] } {
  const found: Found[] = [];
  const missing: string[] = [];
  const media = (where: string, content: Node | undefined) => {
    for (const [type, m] of Object.entries(content ?? {})) {
      const ex = examplesOf(m as Node);
      if (ex.length === 0) missing.push(`${where} ${type}`);
      for (const e of ex) found.push({ where: `${where} ${type}`, ...e, schema: (m as Node).schema });
    }
  };
  const withSchema = (where: string, holder: Node) => {
    const ex = examplesOf(holder);
    if (ex.length === 0) missing.push(where);
    for (const e of ex) found.push({ where, ...e, schema: holder.schema });
  };
  for (const { where, op } of operations) {
    for (const p of (op.parameters ?? []).map(deref)) withSchema(`${where} parameter ${p.in}:${p.name}`, p);
    if (op.requestBody) media(`${where} request`, deref(op.requestBody).content);
    for (const [status, r] of Object.entries(op.responses as Node)) {
      const response = deref(r as Node);
      media(`${where} ${status}`, response.content);
      for (const [h, header] of Object.entries((response.headers ?? {}) as Node))
        withSchema(`${where} ${status} header ${h}`, deref(header as Node));
    }
  }
  return { found, missing };
}

const { found, missing } = survey();

describe('openapi.yaml examples', () => {
  it("exist for every operation's request and each response status, every parameter, header and webhook event", () => {
    expect(missing).toEqual([]);
    // The answers that carry no body (a webhook's 2xx) are the only responses without content.
    for (const { where, op } of operations)
      for (const [status, r] of Object.entries(op.responses as Node))
        if (!deref(r as Node).content) expect(`${where} ${status}`).toMatch(/^webhook .* 200$/);
  });

  it('each validate against the schema next to them', () => {
    const failures: string[] = [];
    for (const f of found) {
      const check = ajv.compile(rebase(f.schema) as object);
      if (!check(f.value)) failures.push(`${f.where} example ${f.name}: ${ajv.errorsText(check.errors)}`);
    }
    expect(failures).toEqual([]);
    expect(found.length).toBeGreaterThan(100);
  });

  it('name each header the issue names, with its examples', () => {
    const headers = spec.components.headers as Node;
    for (const name of ['Idempotent-Replay', 'X-Request-Id', 'Retry-After'])
      expect(examplesOf(headers[name]!).length, name).toBeGreaterThan(0);
    expect(examplesOf(headers['Idempotent-Replay']!).map((e) => e.value)).toEqual(['true', 'crm-record-id']);
    expect(examplesOf(headers['Retry-After']!).map((e) => e.value)).toEqual(['30', 'Sat, 16 May 2026 10:02:30 GMT']);
  });

  it('sign the case.status.changed example with the documented example secret', () => {
    const sig = spec.components.parameters['X-FML-Signature'] as Node;
    const [example] = examplesOf(sig);
    const body = JSON.stringify(spec.components.examples.CaseStatusChangedEvent.value);
    expect(sig.examples.caseStatusChanged.description).toContain('whsec_example_only_never_use');
    expect(example!.value).toBe(
      `sha256=${createHmac('sha256', 'whsec_example_only_never_use').update(body).digest('hex')}`,
    );
    expect(sig.schema.examples).toEqual([example!.value]);
  });
});

describe('webhook examples', () => {
  const webhookExamples = operations
    .filter((o) => o.webhook)
    .flatMap(({ webhook, op }) =>
      examplesOf(op.requestBody.content['application/json']).map((e) => ({
        event: webhook!,
        ...e,
        value: e.value as Node,
      })),
    );
  const shipped = new Ajv2020({ strict: true, allErrors: true });
  addFormats(shipped);
  const fml = new Ajv2020({ strict: true, allErrors: true });
  addFormats(fml);

  it('cover every event FML names', () => {
    expect([...new Set(webhookExamples.map((e) => e.event))].sort()).toEqual(Object.keys(FML_EVENT_FACTS).sort());
    // Each example is its own event: FML never reuses an eventId.
    const ids = webhookExamples.map((e) => `${e.value.eventId}`);
    const listed = (deref({ $ref: '#/components/examples/EventList' }).value.data as Node[]).map((e) => `${e.eventId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(listed.every((id) => ids.includes(id))).toBe(true);
  });

  it.each(webhookExamples.map((e) => [`${e.event} (${e.name})`, e] as const))(
    "%s: its own event, valid under FML's published schema, the shipped JSON Schema and parseEvent",
    (_, e) => {
      expect(e.value.event).toBe(e.event);
      const fmlCheck =
        fml.getSchema(`https://www.firstmilelabs.com/schemas/webhooks/${e.event}.v1.json`) ??
        fml.compile(fmlJsonSchema(e.event));
      if (!fmlCheck(e.value)) {
        // The one known divergence (reference §7): API-made cases carry `source: "api"` (the seed's
        // create answer and FML's recipe guide show it), which FML's published enum omits. Nothing else.
        expect(e.value.event === 'case.created' && e.value.source === 'api', fml.errorsText(fmlCheck.errors)).toBe(
          true,
        );
        expect(fmlCheck.errors!.map((x) => x.instancePath)).toEqual(['/source']);
      }
      const file = fileURLToPath(new URL(`../../generated/schemas/webhooks/${e.event}.v1.json`, import.meta.url));
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
      const ours = shipped.getSchema(schema.$id) ?? shipped.compile(schema);
      expect(ours(e.value), shipped.errorsText(ours.errors)).toBe(true);
      const parsed = parseEvent(JSON.stringify(e.value));
      expect(isKnownEvent(parsed)).toBe(true);
      expect(parsed).toEqual(e.value);
    },
  );
});
