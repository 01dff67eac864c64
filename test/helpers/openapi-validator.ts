/**
 * Checks HTTP exchanges against `openapi.yaml`: responses the sandbox (or anything else) sends, and
 * requests the SDK sends. JSON Schema 2020-12 via ajv (the spec is OpenAPI 3.1), formats via ajv-formats.
 *
 *   const spec = loadOpenApiValidator();
 *   expect(spec.responseProblems({ method, path, status, headers, body })).toEqual([]);
 *   expect(spec.requestProblems({ method, url, headers, body })).toEqual([]);
 *
 * Refs: the whole document is registered with ajv under one `$id`, so `#/components/...` refs inside
 * schemas resolve as JSON pointers; non-schema refs (responses, parameters, headers) are followed here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';

// ajv and ajv-formats are CommonJS with `exports.default`; depending on the loader the default import
// is the module object or the function itself.
const Ajv2020 = ((Ajv2020Import as unknown as { default?: unknown }).default ?? Ajv2020Import) as typeof Ajv2020Import;
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ??
  addFormatsImport) as typeof addFormatsImport;

type Json = Record<string, unknown>;
type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** A response as received. `path` is the request path (query ignored). */
export interface ResponseRecord {
  method: string;
  path: string;
  status: number;
  headers: HeaderBag;
  /** The raw body text ('' when none). */
  body: string;
}

/** A request as sent. `url` may be absolute or a path with query. */
export interface RequestRecord {
  method: string;
  url: string;
  headers: HeaderBag;
  body?: string | null;
}

export interface OperationMatch {
  operationId: string;
  pathTemplate: string;
  method: string;
  operation: Json;
  pathItem: Json;
}

export interface OpenApiValidator {
  /** The parsed document. */
  readonly document: Json;
  /** The operation a method + path resolves to, if the spec has one. */
  operationFor(method: string, path: string): OperationMatch | undefined;
  /** Every way the response breaks the spec: undeclared status, missing/invalid declared headers, body. Empty when valid. */
  responseProblems(response: ResponseRecord): string[];
  /** Every way the request breaks the spec: unknown operation, params (undeclared query params too), headers, auth, body. */
  requestProblems(request: RequestRecord): string[];
  /** Validates a value against `#/components/schemas/<name>`. */
  schemaProblems(name: string, value: unknown): string[];
  /**
   * Checks a webhook delivery against `webhooks.<event>` (its body schema and `X-FML-Signature`
   * format); an event name the spec does not list is checked against `WebhookEventCommon`.
   */
  webhookProblems(delivery: { headers: HeaderBag; body: string }): string[];
}

const SPEC_ID = 'https://fml.invalid/openapi.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

function headerOf(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

const mediaTypeOf = (value: string | undefined): string => (value ?? '').split(';')[0]!.trim().toLowerCase();

/** Loads and compiles the spec (default: the project's `openapi.yaml`). */
export function loadOpenApiValidator(
  specPath: string = fileURLToPath(new URL('../../openapi.yaml', import.meta.url)),
): OpenApiValidator {
  const document = parseYaml(readFileSync(specPath, 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, SPEC_ID);
  const compiled = new Map<string, ValidateFunction>();

  /** Validator for the schema at a JSON pointer inside the document. */
  const validatorAt = (pointer: string): ValidateFunction => {
    let fn = compiled.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      compiled.set(pointer, fn);
    }
    return fn;
  };

  const check = (pointer: string, value: unknown, label: string): string[] => {
    const fn = validatorAt(pointer);
    if (fn(value)) return [];
    return (fn.errors ?? []).map(
      (e) =>
        `${label}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  };

  /** Follows `$ref`s to non-schema objects; returns the object and its pointer. */
  const resolve = (value: unknown, pointer: string): { node: Json; pointer: string } => {
    let node = value;
    let at = pointer;
    for (let i = 0; i < 20 && isRecord(node) && typeof node.$ref === 'string'; i++) {
      const ref = node.$ref as string;
      if (!ref.startsWith('#/')) throw new Error(`openapi-validator: only local refs are supported (${ref})`);
      at = ref.slice(1);
      node = ref
        .slice(2)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((acc, key) => (isRecord(acc) ? acc[key] : undefined), document);
    }
    if (!isRecord(node)) throw new Error(`openapi-validator: nothing at ${at}`);
    return { node, pointer: at };
  };

  const paths = isRecord(document.paths) ? document.paths : {};
  const templates = Object.keys(paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}/?$`),
  }));

  const operationFor = (method: string, path: string): OperationMatch | undefined => {
    const m = method.toLowerCase();
    for (const { template, regex } of templates) {
      if (!regex.test(path)) continue;
      const pathItem = paths[template];
      if (!isRecord(pathItem) || !METHODS.includes(m) || !isRecord(pathItem[m])) return undefined;
      const operation = pathItem[m] as Json;
      return {
        operationId: String(operation.operationId ?? `${m} ${template}`),
        pathTemplate: template,
        method: m,
        operation,
        pathItem,
      };
    }
    return undefined;
  };

  const responseProblems = (r: ResponseRecord): string[] => {
    const path = r.path.split('?')[0]!;
    const op = operationFor(r.method, path);
    if (!op) return [`${r.method} ${path}: no such operation in openapi.yaml`];
    const label = `${op.operationId} ${r.status}`;
    const responses = isRecord(op.operation.responses) ? op.operation.responses : {};
    const key = [String(r.status), `${String(r.status)[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) return [`${label}: status not declared`];
    const opPointer = `/paths/${escapePointer(op.pathTemplate)}/${op.method}`;
    const { node: response, pointer } = resolve(responses[key], `${opPointer}/responses/${key}`);
    const problems: string[] = [];

    const headers = isRecord(response.headers) ? response.headers : {};
    for (const [name, raw] of Object.entries(headers)) {
      const { node: h, pointer: hp } = resolve(raw, `${pointer}/headers/${escapePointer(name)}`);
      const value = headerOf(r.headers, name);
      if (value === undefined) {
        if (h.required === true) problems.push(`${label}: required header ${name} missing`);
        continue;
      }
      if (isRecord(h.schema))
        problems.push(...check(`${hp}/schema`, coerce(h.schema, value), `${label}: header ${name}`));
    }

    const content = isRecord(response.content) ? response.content : undefined;
    if (!content) {
      if (r.body.length > 0) problems.push(`${label}: body sent but the spec declares none`);
      return problems;
    }
    const type = mediaTypeOf(headerOf(r.headers, 'content-type'));
    if (!(type in content))
      return [
        ...problems,
        `${label}: content-type ${JSON.stringify(type)} not declared (${Object.keys(content).join(', ')})`,
      ];
    const media = content[type];
    if (isRecord(media) && isRecord(media.schema)) {
      let body: unknown;
      try {
        body = type.endsWith('json') ? JSON.parse(r.body) : r.body;
      } catch {
        return [...problems, `${label}: body is not valid JSON`];
      }
      problems.push(...check(`${pointer}/content/${escapePointer(type)}/schema`, body, `${label}: body`));
    }
    return problems;
  };

  const requestProblems = (r: RequestRecord): string[] => {
    const url = new URL(r.url, 'http://request.invalid');
    const op = operationFor(r.method, url.pathname);
    if (!op) return [`${r.method} ${url.pathname}: no such operation in openapi.yaml`];
    const label = `${op.operationId} request`;
    const opPointer = `/paths/${escapePointer(op.pathTemplate)}/${op.method}`;
    const problems: string[] = [];

    // Parameters: path-level first, operation-level overrides (by name + in).
    const params = new Map<string, { node: Json; pointer: string }>();
    const collect = (list: unknown, base: string) => {
      if (!Array.isArray(list)) return;
      list.forEach((p, i) => {
        const resolved = resolve(p, `${base}/parameters/${i}`);
        params.set(`${String(resolved.node.in)}:${String(resolved.node.name).toLowerCase()}`, resolved);
      });
    };
    collect(op.pathItem.parameters, `/paths/${escapePointer(op.pathTemplate)}`);
    collect(op.operation.parameters, opPointer);

    const declaredQuery = new Set<string>();
    for (const { node, pointer } of params.values()) {
      const name = String(node.name);
      let values: string[] = [];
      if (node.in === 'query') {
        declaredQuery.add(name);
        values = url.searchParams.getAll(name);
      } else if (node.in === 'header') {
        const v = headerOf(r.headers, name);
        if (v !== undefined) values = [v];
      } else if (node.in === 'path') {
        const names = [...op.pathTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const match = new RegExp(`^${op.pathTemplate.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`).exec(url.pathname);
        const idx = names.indexOf(name);
        if (match && idx >= 0) values = [decodeURIComponent(match[idx + 1]!)];
      } else continue;
      if (values.length === 0) {
        if (node.required === true) problems.push(`${label}: required ${String(node.in)} parameter ${name} missing`);
        continue;
      }
      const schema = isRecord(node.schema) ? node.schema : {};
      if (values.length > 1 && schema.type !== 'array')
        problems.push(`${label}: ${String(node.in)} parameter ${name} given ${values.length} times`);
      problems.push(
        ...check(
          `${pointer}/schema`,
          schema.type === 'array' ? values : coerce(schema, values[0]!),
          `${label}: ${String(node.in)} parameter ${name}`,
        ),
      );
    }
    for (const name of new Set(url.searchParams.keys())) {
      if (!declaredQuery.has(name)) problems.push(`${label}: query parameter ${name} is not declared`);
    }

    // Security: an operation that needs a bearer must get one. `security: []` means none is needed.
    const security = Array.isArray(op.operation.security) ? op.operation.security : document.security;
    if (
      Array.isArray(security) &&
      security.length > 0 &&
      !security.some((s) => isRecord(s) && Object.keys(s).length === 0)
    ) {
      if (!/^Bearer \S+$/.test(headerOf(r.headers, 'authorization') ?? ''))
        problems.push(`${label}: Authorization: Bearer <token> missing`);
    }

    // Body.
    const hasBody = r.body !== undefined && r.body !== null && r.body !== '';
    if (!op.operation.requestBody) {
      if (hasBody) problems.push(`${label}: body sent but the operation takes none`);
      return problems;
    }
    const { node: requestBody, pointer: rbPointer } = resolve(op.operation.requestBody, `${opPointer}/requestBody`);
    if (!hasBody) {
      if (requestBody.required === true) problems.push(`${label}: body required`);
      return problems;
    }
    const content = isRecord(requestBody.content) ? requestBody.content : {};
    const type = mediaTypeOf(headerOf(r.headers, 'content-type'));
    if (!(type in content))
      return [
        ...problems,
        `${label}: content-type ${JSON.stringify(type)} not declared (${Object.keys(content).join(', ')})`,
      ];
    let body: unknown;
    if (type === 'application/x-www-form-urlencoded') {
      body = Object.fromEntries(new URLSearchParams(r.body!));
    } else {
      try {
        body = JSON.parse(r.body!);
      } catch {
        return [...problems, `${label}: body is not valid JSON`];
      }
    }
    problems.push(...check(`${rbPointer}/content/${escapePointer(type)}/schema`, body, `${label}: body`));
    return problems;
  };

  const schemaProblems = (name: string, value: unknown): string[] =>
    check(`/components/schemas/${escapePointer(name)}`, value, name);

  const webhookProblems = (delivery: { headers: HeaderBag; body: string }): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(delivery.body);
    } catch {
      return ['webhook: body is not valid JSON'];
    }
    const name = isRecord(body) && typeof body.event === 'string' ? body.event : '';
    const hooks = isRecord(document.webhooks) ? document.webhooks : {};
    const hook = hooks[name];
    if (!isRecord(hook) || !isRecord(hook.post))
      return schemaProblems('WebhookEventCommon', body).map((p) => `webhook ${name || '(no event)'}: ${p}`);
    const label = `webhook ${name}`;
    const base = `/webhooks/${escapePointer(name)}/post`;
    const problems: string[] = [];
    const params = Array.isArray(hook.post.parameters) ? hook.post.parameters : [];
    params.forEach((p, i) => {
      const { node, pointer } = resolve(p, `${base}/parameters/${i}`);
      if (node.in !== 'header') return;
      const value = headerOf(delivery.headers, String(node.name));
      if (value === undefined) {
        if (node.required === true) problems.push(`${label}: required header ${String(node.name)} missing`);
      } else if (isRecord(node.schema))
        problems.push(...check(`${pointer}/schema`, value, `${label}: header ${String(node.name)}`));
    });
    const { pointer: rbPointer } = resolve(hook.post.requestBody, `${base}/requestBody`);
    problems.push(...check(`${rbPointer}/content/application~1json/schema`, body, `${label}: body`));
    return problems;
  };

  return { document, operationFor, responseProblems, requestProblems, schemaProblems, webhookProblems };
}

/** Text from a header or query string, as the type its schema asks for. */
function coerce(schema: Json, value: string): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
