#!/usr/bin/env node
/**
 * Writes everything in `generated/` from `openapi.yaml`, the single source of truth:
 *
 * - `generated/openapi.ts` — TypeScript types (`paths`, `webhooks`, `components`, `operations`) by
 *   openapi-typescript;
 * - `generated/schemas/webhooks/<event>.v1.json` — one standalone JSON Schema (draft 2020-12) per
 *   webhook, derived from the spec by inlining `$ref`s and flattening `allOf`;
 * - `generated/schemas/webhooks/index.json` — the list of those schemas;
 * - `generated/operations.ts` — per operation, its scopes and the required shape of its 2xx bodies
 *   (what the client checks at run time);
 * - `generated/examples.ts` — every request, response and webhook example, typed (the fixtures entry);
 * - `generated/schemas/events.json` — the event catalogue (shipped as `@firstmilelabs/cases/schemas/events.json`).
 *
 * Usage: `node scripts/generate.mjs` writes the files (only those that changed, and removes stale
 * ones); `node scripts/generate.mjs --check` writes nothing and exits 1 naming every file that
 * differs from what `openapi.yaml` produces (drift). `--root=<dir>` works on another checkout.
 * The tests import {@link generate} and {@link findDrift} to do the same in memory.
 *
 * The output is deterministic: same spec, same bytes, on every platform (LF line endings, fixed
 * key order, 2-space JSON).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse as parseYaml } from 'yaml';

const DEFAULT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/**
 * The `$id` namespace of the schemas this package ships: its own, where the files really are (the
 * package's `./schemas/*` export on the npm CDN). Not FML's `/schemas/webhooks/` URLs: these are the
 * SDK's reading of FML's contract, not FML's files, and two schemas with one `$id` cannot be loaded
 * into one validator. Each schema names the FML schema it reads in `$comment`.
 */
const SCHEMA_ID_BASE = 'https://cdn.jsdelivr.net/npm/@firstmilelabs/cases/dist/schemas/webhooks/';
/** Where FML publishes its own schema for each event (named in `$comment`, never used as `$id`). */
const FML_SCHEMA_BASE = 'https://www.firstmilelabs.com/schemas/webhooks/';
const WEBHOOK_SCHEMA_DIR = 'generated/schemas/webhooks';

/** TSDoc for the three root types openapi-typescript emits bare, so the API reference documents them. */
const ROOT_DOCS = {
  paths: "Every path of the spec with its operations: the type parameter of openapi-fetch's `createClient<paths>`.",
  components: 'The spec\'s reusable parts: `components["schemas"]` holds every model (`Case`, `CreateCaseRequest`, …).',
  operations: 'Every operation of the spec by its `operationId`: parameters, request body and responses.',
};

/** `source` with a TSDoc line above each root interface that has none. */
function withRootDocs(source) {
  return source.replace(
    /^(?<!\*\/\n)export interface (paths|components|operations) \{/gm,
    (line, name) => `/** ${ROOT_DOCS[name]} */\n${line}`,
  );
}

const TS_HEADER = `/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs (openapi-typescript).
 * To change these types, edit openapi.yaml and run \`npm run generate\`;
 * \`npm run check:generated\` fails when this file is out of date.
 */

`;

const GENERATED_NOTE =
  'GENERATED from openapi.yaml by scripts/generate.mjs; do not edit. Change openapi.yaml and run `npm run generate`.';

/** Why a schema keyword carries `x-fml-inferred: true`, as a standard `$comment` in JSON Schema output. */
const INFERRED_NOTE = "x-fml-inferred: not published by FML; the SDK's own decision.";
const SENSITIVE_NOTE = 'x-fml-sensitive: carries special-category personal data; never log it.';

/**
 * Keywords first in this order, then any others alphabetically, so that the output does not depend
 * on how the YAML happens to be written. `properties` keeps the spec's order (it is data, not keywords).
 */
const KEYWORD_ORDER = [
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'default',
  'examples',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
];

/** OpenAPI-only keywords that have no JSON Schema meaning; refusing them beats emitting a wrong schema. */
const OPENAPI_ONLY_KEYWORDS = new Set(['discriminator', 'example', 'nullable', 'xml', 'externalDocs']);

// ---------------------------------------------------------------------------------------------- TS

/** @param {Record<string, unknown>} spec @returns {Promise<string>} */
async function renderTypes(spec) {
  const ast = await openapiTS(/** @type {any} */ (withKnownValuesInDescriptions(spec)), { silent: true });
  return toLf(TS_HEADER + withRootDocs(astToString(ast)));
}

/**
 * Copies the spec, appending each `x-fml-known-values` list to its description, so that the JSDoc
 * of an open-set `string` shows the values FML is known to send (openapi-typescript ignores `x-`).
 * @param {unknown} node @returns {any}
 */
function withKnownValuesInDescriptions(node) {
  if (Array.isArray(node)) return node.map(withKnownValuesInDescriptions);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, withKnownValuesInDescriptions(value)]),
  );
  const known = /** @type {Record<string, unknown>} */ (node)['x-fml-known-values'];
  if (Array.isArray(known)) {
    const line = `Known values: ${known.map((v) => `\`${v}\``).join(', ')} (others may appear).`;
    out.description = out.description ? `${String(out.description).trimEnd()}\n\n${line}` : line;
  }
  return out;
}

// ------------------------------------------------------------------------------------ JSON Schema

/**
 * Resolves a local `#/…` reference inside the spec.
 * @param {Record<string, unknown>} spec @param {string} ref
 */
function resolveRef(spec, ref) {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
  let node = /** @type {unknown} */ (spec);
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key))
      throw new Error(`Unresolvable $ref ${ref}`);
    node = /** @type {Record<string, unknown>} */ (node)[key];
  }
  return node;
}

/** @param {unknown} a @param {unknown} b */
function deepEqual(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Later wins for these: the specific event's words replace the common ones. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment']);

/**
 * Merges already-standalone schemas as `allOf` would require all of them: properties merged key by
 * key, `required` unioned, annotations from the later schema. A real conflict (e.g. two different
 * `type`s) is an error in the spec, reported rather than guessed.
 * @param {Array<Record<string, unknown>>} schemas @param {string} at
 */
function mergeSchemas(schemas, at) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const schema of schemas) {
    for (const [key, value] of Object.entries(schema)) {
      if (!(key in out)) {
        out[key] = key === 'properties' ? { ...value } : key === 'required' ? [...value] : value;
      } else if (key === 'properties') {
        for (const [name, sub] of Object.entries(value)) {
          out.properties[name] =
            name in out.properties ? mergeSchemas([out.properties[name], sub], `${at}.${name}`) : sub;
        }
      } else if (key === 'required') {
        for (const name of value) if (!out.required.includes(name)) out.required.push(name);
      } else if (ANNOTATIONS.has(key)) {
        out[key] = value;
      } else if (!deepEqual(out[key], value)) {
        throw new Error(
          `Cannot flatten allOf at ${at}: conflicting "${key}" (${JSON.stringify(out[key])} vs ${JSON.stringify(value)})`,
        );
      }
    }
  }
  return out;
}

/**
 * Turns a spec schema into a standalone JSON Schema: `$ref`s inlined, `allOf` flattened, and the
 * `x-fml-*` extensions translated into standard keywords so that strict validators (ajv's default)
 * accept the result without extra vocabulary.
 * @param {Record<string, unknown>} spec @param {unknown} schema @param {string} at
 * @returns {any}
 */
function toJsonSchema(spec, schema, at) {
  if (Array.isArray(schema)) return schema.map((item, i) => toJsonSchema(spec, item, `${at}[${i}]`));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = /** @type {Record<string, unknown>} */ (schema);

  if (typeof node.$ref === 'string') {
    const { $ref, ...siblings } = node;
    const target = toJsonSchema(spec, resolveRef(spec, $ref), $ref);
    return Object.keys(siblings).length === 0 ? target : mergeSchemas([target, toJsonSchema(spec, siblings, at)], at);
  }

  /** @type {Record<string, any>} */
  const out = {};
  /** @type {string[]} */
  const comments = [];
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key))
      throw new Error(`${at}: "${key}" has no JSON Schema meaning; use a 3.1 equivalent`);
    if (key === 'x-fml-inferred') {
      if (value === true) comments.push(INFERRED_NOTE);
    } else if (key === 'x-fml-sensitive') {
      if (value === true) comments.push(SENSITIVE_NOTE);
    } else if (key === 'x-fml-known-values') {
      // Known values of an open set are exactly what `examples` means: valid, not exhaustive.
      if (!('examples' in node)) out.examples = value;
    } else if (key.startsWith('x-')) {
      // Other vendor extensions mean nothing to JSON Schema: left out.
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(/** @type {Record<string, unknown>} */ (value)).map(([name, sub]) => [
          name,
          toJsonSchema(spec, sub, `${at}.${name}`),
        ]),
      );
    } else if (key === 'allOf') {
      // flattened below
    } else {
      out[key] = toJsonSchema(spec, value, `${at}.${key}`);
    }
  }
  if (comments.length > 0) out.$comment = [out.$comment, ...comments].filter(Boolean).join(' ');
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((part, i) => toJsonSchema(spec, part, `${at}.allOf[${i}]`));
    return mergeSchemas([...parts, out], at);
  }
  return out;
}

/** Sorts schema keywords into {@link KEYWORD_ORDER}; leaves `properties` maps in spec order. */
function canonical(value, isPropertyMap = false) {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (!isPropertyMap) entries.sort(([a], [b]) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, sub]) => [key, canonical(sub, !isPropertyMap && key === 'properties')]));
}

/** @param {string} key */
function keywordRank(key) {
  const i = KEYWORD_ORDER.indexOf(key);
  return i === -1 ? KEYWORD_ORDER.length : i;
}

/** @param {unknown} value */
function toJsonText(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * One JSON Schema per entry of the spec's `webhooks`, plus the index.
 * @param {Record<string, any>} spec
 * @returns {Map<string, string>}
 */
function renderWebhookSchemas(spec) {
  /** @type {Map<string, string>} */
  const files = new Map();
  const index = [];
  const names = Object.keys(spec.webhooks ?? {}).sort();
  for (const event of names) {
    const operation = spec.webhooks[event]?.post;
    const bodySchema = operation?.requestBody?.content?.['application/json']?.schema;
    if (!bodySchema) throw new Error(`webhooks.${event}: needs post.requestBody.content.application/json.schema`);
    const component = typeof bodySchema.$ref === 'string' ? bodySchema.$ref.split('/').pop() : undefined;
    const file = `${event}.v1.json`;
    const id = `${SCHEMA_ID_BASE}${file}`;
    const flat = toJsonSchema(spec, bodySchema, `webhooks.${event}`);
    const schema = canonical({
      ...flat,
      $schema: JSON_SCHEMA_DIALECT,
      $id: id,
      $comment: [
        GENERATED_NOTE,
        component ? `Source: components.schemas.${component}.` : '',
        `Reads FML's ${FML_SCHEMA_BASE}${file}.`,
        flat.$comment,
      ]
        .filter(Boolean)
        .join(' '),
      title: `FML webhook ${event} (v1)`,
      description: [
        operation.summary === event ? undefined : operation.summary,
        operation.description,
        ownDescription(spec, bodySchema),
      ]
        .filter(Boolean)
        .map((text) => String(text).trim())
        .join('\n\n'),
    });
    files.set(`${WEBHOOK_SCHEMA_DIR}/${file}`, toJsonText(schema));
    index.push({ event, version: 1, file, $id: id, ...(component ? { component } : {}) });
  }
  files.set(
    `${WEBHOOK_SCHEMA_DIR}/index.json`,
    toJsonText({ $comment: GENERATED_NOTE, dialect: JSON_SCHEMA_DIALECT, schemas: index }),
  );
  return files;
}

/**
 * The description written for this event itself (its inline `allOf` part), not the common one.
 * @param {Record<string, any>} spec @param {Record<string, any>} schema
 */
function ownDescription(spec, schema) {
  const target =
    typeof schema.$ref === 'string' ? /** @type {Record<string, any>} */ (resolveRef(spec, schema.$ref)) : schema;
  const inline = (target.allOf ?? []).filter((part) => !part.$ref).map((part) => part.description);
  return [target.description, ...inline].filter(Boolean).join('\n\n') || undefined;
}

// ------------------------------------------------------------------------------ operation facts

const OPERATIONS_HEADER = `/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs: what the client checks at run time, per
 * operation ("METHOD /path/{param}"): the OAuth scopes its \`security\` names (for
 * InsufficientScopeError) and, per 2xx status, the shape its JSON body must have — only what the
 * spec *requires* (required properties and their types, recursively; \`anyOf\` reduced to its
 * weakest branch when one branch is implied by all others), so an unknown field or value never fails.
 */

`;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * The shape a body must have: `type` (JSON types; `integer` included), `required` (property →
 * shape), `items` (shape of every item), `anyOf` (one of these must hold). Undefined keys check nothing.
 * `minLength` applies to strings.
 * @typedef {{ type?: string[], minLength?: number, required?: Record<string, Shape>, items?: Shape, anyOf?: Shape[] }} Shape
 */

/** @param {Record<string, any>} spec @param {unknown} schema @param {number} depth @returns {Shape} */
function requiredShape(spec, schema, depth = 0) {
  if (depth > 20) throw new Error('requiredShape: schema nesting too deep (a cycle?)');
  if (schema === null || typeof schema !== 'object') return {};
  let node = /** @type {Record<string, any>} */ (schema);
  if (typeof node.$ref === 'string') node = /** @type {Record<string, any>} */ (resolveRef(spec, node.$ref));
  /** @type {Shape} */
  let shape = {};
  if (node.type !== undefined) shape.type = [node.type].flat().map(String);
  if (typeof node.minLength === 'number' && node.minLength > 0) shape.minLength = node.minLength;
  if (Array.isArray(node.required) && node.required.length > 0) {
    shape.required = Object.fromEntries(
      node.required.map((name) => [name, requiredShape(spec, node.properties?.[name], depth + 1)]),
    );
  }
  if (node.items !== undefined) {
    const items = requiredShape(spec, node.items, depth + 1);
    if (Object.keys(items).length > 0) shape.items = items;
  }
  for (const part of node.allOf ?? []) shape = mergeShapes(shape, requiredShape(spec, part, depth + 1));
  const alternatives = node.anyOf ?? node.oneOf;
  if (Array.isArray(alternatives)) {
    const shapes = alternatives.map((alt) => requiredShape(spec, alt, depth + 1));
    // anyOf holds exactly when its weakest branch holds, if one branch is implied by every other.
    const weakest = shapes.find((candidate) => shapes.every((other) => implies(other, candidate)));
    shape = mergeShapes(shape, weakest ?? { anyOf: shapes });
  }
  return shape;
}

/** Both shapes must hold. @param {Shape} a @param {Shape} b @returns {Shape} */
function mergeShapes(a, b) {
  /** @type {Shape} */
  const out = { ...a };
  if (b.type)
    out.type = a.type
      ? a.type.filter((t) => b.type.includes(t) || (t === 'number' && b.type.includes('integer')))
      : b.type;
  if (b.required) {
    out.required = { ...a.required };
    for (const [name, sub] of Object.entries(b.required))
      out.required[name] = out.required[name] ? mergeShapes(out.required[name], sub) : sub;
  }
  if (b.minLength) out.minLength = Math.max(a.minLength ?? 0, b.minLength);
  if (b.items) out.items = a.items ? mergeShapes(a.items, b.items) : b.items;
  if (b.anyOf) out.anyOf = a.anyOf ? [...a.anyOf, ...b.anyOf] : b.anyOf;
  return out;
}

/** Whether every value that satisfies `strong` satisfies `weak` (conservatively). @param {Shape} strong @param {Shape} weak */
function implies(strong, weak) {
  if (weak.anyOf || strong.anyOf) return deepEqual(strong, weak);
  if ((weak.minLength ?? 0) > (strong.minLength ?? 0)) return false;
  if (
    weak.type &&
    !strong.type?.every((t) => weak.type.includes(t) || (t === 'integer' && weak.type.includes('number')))
  )
    return false;
  for (const [name, sub] of Object.entries(weak.required ?? {})) {
    const other = strong.required?.[name];
    if (!other || !implies(other, sub)) return false;
  }
  return !weak.items || (strong.items !== undefined && implies(strong.items, weak.items));
}

/** @param {Record<string, any>} spec @returns {string} */
/**
 * The shapes of component schemas (`#/components/schemas/X`) that several bodies hold, by their JSON →
 * the schema's name: each is written once, as the const `xShape`, so the paste-ready files, which bundle
 * these facts, carry it once. A shape used once stays inline.
 * @param {Record<string, any>} spec @param {{ responses: Record<string, Shape> }[]} facts
 */
function sharedShapes(spec, facts) {
  /** @type {Map<string, number>} */
  const uses = new Map();
  /** @param {Shape} shape */
  const count = (shape) => {
    const json = JSON.stringify(shape);
    uses.set(json, (uses.get(json) ?? 0) + 1);
    for (const sub of [
      ...Object.values(shape.required ?? {}),
      ...(shape.items ? [shape.items] : []),
      ...(shape.anyOf ?? []),
    ])
      count(sub);
  };
  for (const f of facts) for (const shape of Object.values(f.responses)) count(shape);
  /** @type {Map<string, string>} */
  const shared = new Map();
  for (const name of Object.keys(spec.components?.schemas ?? {})) {
    const json = JSON.stringify(requiredShape(spec, { $ref: `#/components/schemas/${name}` }));
    // An empty shape checks nothing: not worth a name (and `{}` could be mistaken for an empty record).
    if (json !== '{}' && (uses.get(json) ?? 0) > 1 && !shared.has(json)) shared.set(json, name);
  }
  return shared;
}

/** The const a shared shape is written as: `Case` → `caseShape`. @param {string} schema */
const shapeConst = (schema) => `${schema.replace(/^./, (c) => c.toLowerCase())}Shape`;

/**
 * `value` as the JSON the file holds, each shared shape (but `self`, the one being defined) written as
 * its const's name. @param {unknown} value @param {Map<string, string>} shared @param {string} [self]
 */
function renderShared(value, shared, self) {
  const text = JSON.stringify(
    value,
    (_key, v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const json = JSON.stringify(v);
      const schema = json === self ? undefined : shared.get(json);
      return schema === undefined ? v : `\u0000${shapeConst(schema)}`;
    },
    2,
  );
  return text.replace(/"\\u0000(\w+)"/g, '$1');
}

function renderOperations(spec) {
  /** @type {Record<string, unknown>} */
  const table = {};
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const security = op.security ?? spec.security ?? [];
      const scopes = [...new Set(security.flatMap((requirement) => Object.values(requirement ?? {}).flat()))].sort();
      /** @type {Record<string, Shape>} */
      const responses = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^2\d\d$/.test(status)) continue;
        const resolved = typeof response.$ref === 'string' ? resolveRef(spec, response.$ref) : response;
        const schema = resolved?.content?.['application/json']?.schema;
        if (schema) responses[status] = requiredShape(spec, schema);
      }
      const key = `${method.toUpperCase()} ${path}`;
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(op.operationId ?? ''))
        throw new Error(`${key}: needs an operationId that is a JavaScript identifier`);
      table[key] = { operation: key, operationId: op.operationId, scopes, responses };
    }
  }
  const keys = Object.keys(table).sort();
  const shared = sharedShapes(spec, Object.values(table));
  // One export per operation (named by operationId), so a bundle that calls one operation carries only its facts.
  const named = keys
    .map(
      (key) =>
        `/** \`${key}\` */\nexport const ${table[key].operationId}: OperationFacts = ${renderShared(table[key], shared)};\n`,
    )
    .join('\n');
  // Written before the operations that name them (a shape inside another one first: it is shorter).
  const sharedConsts = [...shared]
    .sort(([a], [b]) => a.length - b.length)
    .map(
      ([json, name]) =>
        `/** The shape of \`${name}\`, which several bodies hold. */\nconst ${shapeConst(name)}: ResponseShape = ${renderShared(JSON.parse(json), shared, json)};\n`,
    )
    .join('\n');
  return toLf(
    `${OPERATIONS_HEADER}/** What a body must hold; see the file header. */
export interface ResponseShape {
  readonly type?: readonly string[];
  readonly minLength?: number;
  readonly required?: Readonly<Record<string, ResponseShape>>;
  readonly items?: ResponseShape;
  readonly anyOf?: readonly ResponseShape[];
}

/** One operation's run-time facts. */
export interface OperationFacts {
  /** "METHOD /path/{param}", as in openapi.yaml. */
  readonly operation: string;
  readonly operationId: string;
  /** The OAuth scopes the operation's \`security\` names. */
  readonly scopes: readonly string[];
  /** Per 2xx status, the shape of the JSON body. */
  readonly responses: Readonly<Record<string, ResponseShape>>;
}

${sharedConsts}${sharedConsts ? '\n' : ''}${named}
/** Every operation in openapi.yaml, keyed "METHOD /path/{param}". */
export const operations: Readonly<Record<string, OperationFacts>> = {
${keys.map((key) => `  ${JSON.stringify(key)}: ${table[key].operationId},`).join('\n')}
};
`,
  );
}

// ------------------------------------------------------------------------- examples + catalogue

const EXAMPLES_HEADER = `/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs: every request, response and webhook example in
 * the spec, each checked at compile time against its schema's generated type (\`satisfies\`). The
 * \`@firstmilelabs/cases/fixtures\` entry builds its sample events and answers from these.
 */

import type { components } from './openapi';

type Schemas = components['schemas'];
`;

/** `Schemas['Name']` for a `$ref` to a component schema (or an array of one), else `unknown`. */
function schemaType(schema) {
  if (typeof schema?.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/'))
    return `Schemas[${JSON.stringify(schema.$ref.split('/').pop())}]`;
  return 'unknown';
}

/** The named examples of a media type, `$ref`s resolved: [name, { summary?, value }]. */
function mediaExamples(spec, media) {
  return Object.entries(media?.examples ?? {}).map(([name, ex]) => {
    const resolved = typeof ex.$ref === 'string' ? resolveRef(spec, ex.$ref) : ex;
    return [name, { ...(resolved.summary ? { summary: resolved.summary } : {}), value: resolved.value }];
  });
}

/** `{ summary, value: <json> satisfies <type> }` as TypeScript source, indented by `pad`. */
function exampleSource(example, type, pad) {
  const json = JSON.stringify(example.value, null, 2).replace(/\n/g, `\n${pad}  `);
  const value = type === 'unknown' ? json : `${json} satisfies ${type}`;
  return `{${example.summary ? ` summary: ${JSON.stringify(example.summary)},` : ''} value: ${value} }`;
}

/** @param {Record<string, any>} spec @returns {string} */
function renderExamples(spec) {
  const hooks = [];
  for (const event of Object.keys(spec.webhooks ?? {}).sort()) {
    const media = spec.webhooks[event].post.requestBody.content['application/json'];
    const list = mediaExamples(spec, media);
    if (list.length === 0) throw new Error(`webhooks.${event}: needs at least one example`);
    const type = schemaType(media.schema);
    hooks.push(
      `  ${JSON.stringify(event)}: {\n${list.map(([name, ex]) => `    ${JSON.stringify(name)}: ${exampleSource(ex, type, '    ')},`).join('\n')}\n  },`,
    );
  }
  const requests = [];
  const responses = [];
  for (const item of Object.values(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const media = op.requestBody?.content?.['application/json'];
      if (media)
        requests.push(
          `  ${op.operationId}: {\n${mediaExamples(spec, media)
            .map(([name, ex]) => `    ${JSON.stringify(name)}: ${exampleSource(ex, schemaType(media.schema), '    ')},`)
            .join('\n')}\n  },`,
        );
      const statuses = [];
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const resolved = typeof response.$ref === 'string' ? resolveRef(spec, response.$ref) : response;
        const body = resolved?.content?.['application/json'];
        if (!body) continue;
        statuses.push(
          `    ${JSON.stringify(status)}: {\n${mediaExamples(spec, body)
            .map(
              ([name, ex]) => `      ${JSON.stringify(name)}: ${exampleSource(ex, schemaType(body.schema), '      ')},`,
            )
            .join('\n')}\n    },`,
        );
      }
      responses.push(`  ${op.operationId}: {\n${statuses.join('\n')}\n  },`);
    }
  }
  return toLf(`${EXAMPLES_HEADER}
/** Per webhook event, its examples by name (the first is the event's main sample). */
export const webhookExamples = {
${hooks.join('\n')}
};

/**
 * Per operation (by operationId), its JSON request body examples by name (the fixtures entry's
 * \`sampleRequests\`): \`createCase.hubspot.value\` is the HubSpot recipe's create body.
 */
export const requestExamples = {
${requests.join('\n')}
};

/**
 * Per operation (by operationId) and status, its JSON response body examples by name (the fixtures
 * entry's \`sampleAnswers\`, frozen): \`createCase['201'].created.value\` is a \`Case\`,
 * \`getCase['404'].notFound.value\` FML's error body. For nock or msw stubs of FML.
 */
export const responseExamples = {
${responses.join('\n')}
};
`);
}

/**
 * \`generated/schemas/events.json\`: the event catalogue, one entry per webhook — what it is, when it
 * fires, its schema and example, whether it carries personal (and special-category) data, and the
 * HubSpot Company properties the write-back sets from it. Every fact comes from openapi.yaml.
 * @param {Record<string, any>} spec
 */
function renderEventCatalogue(spec) {
  const events = Object.keys(spec.webhooks ?? {})
    .sort()
    .map((event) => {
      const op = spec.webhooks[event].post;
      const media = op.requestBody.content['application/json'];
      const [[exampleName, example]] = mediaExamples(spec, media);
      for (const key of ['x-fml-fires-when', 'x-fml-personal-data', 'x-fml-hubspot-write-back'])
        if (op[key] === undefined) throw new Error(`webhooks.${event}: needs ${key}`);
      const body = typeof media.schema.$ref === 'string' ? resolveRef(spec, media.schema.$ref) : media.schema;
      const specialCategory = [body, ...(body.allOf ?? [])].some((part) => part?.['x-fml-sensitive'] === true);
      const file = `${event}.v1.json`;
      return {
        event,
        version: 1,
        description: op.description,
        firesWhen: op['x-fml-fires-when'],
        schema: { file: `schemas/webhooks/${file}`, $id: `${SCHEMA_ID_BASE}${file}`, fml: `${FML_SCHEMA_BASE}${file}` },
        personalData: op['x-fml-personal-data'].length > 0 || specialCategory,
        personalDataFields: op['x-fml-personal-data'],
        specialCategoryData: specialCategory,
        hubspotWriteBack: { properties: op['x-fml-hubspot-write-back'] },
        example: { name: exampleName, ...(example.summary ? { summary: example.summary } : {}), value: example.value },
      };
    });
  return toJsonText({
    $comment: `${GENERATED_NOTE} The x-fml-fires-when, x-fml-personal-data and x-fml-hubspot-write-back of each webhook hold these facts.`,
    description:
      "FML's webhook events: one entry per event, with its JSON Schema (schema.file, relative to the package root's dist/), an example, its personal-data flags and the HubSpot Company properties updateCompanyFromEvent sets from it (default property names).",
    events,
  });
}

// --------------------------------------------------------------------------------------- driver

/** @param {string} text */
function toLf(text) {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Everything `generated/` should hold, in memory: repo-relative POSIX path → file content.
 * @param {{ root?: string }} [options]
 * @returns {Promise<Map<string, string>>}
 */
export async function generate({ root = DEFAULT_ROOT } = {}) {
  const specPath = join(root, 'openapi.yaml');
  const spec = parseYaml(await readFile(specPath, 'utf8'));
  /** @type {Map<string, string>} */
  const files = new Map();
  files.set('generated/openapi.ts', await renderTypes(spec));
  for (const [path, text] of renderWebhookSchemas(spec)) files.set(path, text);
  files.set('generated/operations.ts', renderOperations(spec));
  files.set('generated/examples.ts', renderExamples(spec));
  files.set('generated/schemas/events.json', renderEventCatalogue(spec));
  return files;
}

/** @param {string} dir @returns {Promise<string[]>} absolute paths of every file below `dir` */
async function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * Compares the expected files with what is on disk under `generated/`.
 * @param {Map<string, string>} files @param {{ root?: string }} [options]
 * @returns {Promise<Array<{ path: string, problem: 'differs' | 'missing' | 'stale' }>>}
 */
export async function findDrift(files, { root = DEFAULT_ROOT } = {}) {
  /** @type {Array<{ path: string, problem: 'differs' | 'missing' | 'stale' }>} */
  const drift = [];
  for (const [path, expected] of files) {
    const abs = join(root, path);
    if (!existsSync(abs)) drift.push({ path, problem: 'missing' });
    // Compare LF-normalised, so a checkout with core.autocrlf is not reported as drift.
    else if (toLf(await readFile(abs, 'utf8')) !== expected) drift.push({ path, problem: 'differs' });
  }
  for (const abs of await listFiles(join(root, 'generated'))) {
    const path = relative(root, abs).split(sep).join('/');
    if (!files.has(path)) drift.push({ path, problem: 'stale' });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Writes changed files and removes stale ones; returns what it touched. */
async function write(files, root) {
  const touched = [];
  for (const { path, problem } of await findDrift(files, { root })) {
    const abs = join(root, path);
    if (problem === 'stale') {
      await rm(abs);
    } else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, /** @type {string} */ (files.get(path)));
    }
    touched.push(`${problem === 'stale' ? 'removed' : 'wrote'} ${path}`);
  }
  return touched;
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  // `--root=<dir>` points at another checkout (the tests use a scratch copy); default: this repo.
  const rootArg = args.find((arg) => arg.startsWith('--root='));
  const root = rootArg ? rootArg.slice('--root='.length) : DEFAULT_ROOT;
  const unknown = args.filter((arg) => arg !== '--check' && arg !== rootArg);
  if (unknown.length > 0)
    throw new Error(`Unknown argument ${unknown.join(' ')}. Usage: node scripts/generate.mjs [--check] [--root=<dir>]`);
  const files = await generate({ root });
  if (check) {
    const drift = await findDrift(files, { root });
    if (drift.length > 0) {
      console.error(
        `generated/ is out of date with openapi.yaml (${drift.length} file${drift.length === 1 ? '' : 's'}):\n` +
          drift.map(({ path, problem }) => `  - ${path} (${problem})`).join('\n') +
          '\nRun `npm run generate` and commit the result. Never edit generated/ by hand.',
      );
      process.exitCode = 1;
      return;
    }
    console.log(`generated/ is up to date with openapi.yaml (${files.size} files).`);
    return;
  }
  const touched = await write(files, root);
  console.log(touched.length === 0 ? `generated/ already up to date (${files.size} files).` : touched.join('\n'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
