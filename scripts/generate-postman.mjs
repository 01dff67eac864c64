#!/usr/bin/env node
/**
 * Writes the Postman collection and its sandbox environment in `postman/` from `openapi.yaml`:
 *
 * - `postman/fml-cases.postman_collection.json` — every operation, converted by `openapi-to-postmanv2`
 *   (Postman's own converter), then made runnable: client-credentials auth (a collection pre-request
 *   script mints a token from `{{clientId}}`/`{{clientSecret}}` and reuses it until shortly before it
 *   expires), requests in the order a first run needs (token → create → get → list → events), the
 *   created case's id carried into `{{caseId}}`, a 2xx test on every request;
 * - `postman/fml-sandbox.postman_environment.json` — `baseUrl` (the CLI sandbox's default address),
 *   `clientId`, `clientSecret`.
 *
 * `newman run postman/fml-cases.postman_collection.json -e postman/fml-sandbox.postman_environment.json
 *  --env-var baseUrl=... --env-var clientId=... --env-var clientSecret=...` points it anywhere.
 *
 * Usage: `node scripts/generate-postman.mjs` writes both files; `--check` writes nothing and exits 1
 * when either differs from what `openapi.yaml` produces (drift). `--root=<dir>` works on another
 * checkout. Deterministic: the converter fills values the spec gives no example for with random fakes,
 * so it runs under a seeded `Math.random`, and every Postman id is derived from the item's name.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { seededRandom } from './seeded-random.mjs';

const require = createRequire(import.meta.url);
const DEFAULT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const COLLECTION_PATH = 'postman/fml-cases.postman_collection.json';
export const ENVIRONMENT_PATH = 'postman/fml-sandbox.postman_environment.json';

/** The order of a first run; operations not named here follow, in the spec's order. */
const FLOW = ['createToken', 'createCase', 'getCase', 'listCases', 'listEvents'];
/** Query parameters kept switched on (the rest are shown, disabled, with their example). */
const ENABLED_QUERY = new Set(['limit']);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

// Runs before every request. Client credentials: one token per baseUrl + clientId, reused until a
// minute before it expires — FML allows 30 token calls a minute, so a run must not mint one per call.
const PRE_REQUEST = `// Client-credentials auth: mint a token from {{clientId}}/{{clientSecret}} once, reuse it until a
// minute before it expires (FML allows 30 token calls a minute per client).
if (pm.request.url.getPath() !== '/v1/oauth/token') {
  const baseUrl = pm.variables.replaceIn('{{baseUrl}}');
  const clientId = pm.variables.get('clientId');
  const owner = baseUrl + ' ' + clientId;
  const expiresAt = Number(pm.collectionVariables.get('accessTokenExpiresAt') || 0);
  const fresh = pm.collectionVariables.get('accessToken') && pm.collectionVariables.get('accessTokenOwner') === owner && Date.now() < expiresAt - 60000;
  if (!fresh) {
    pm.sendRequest({
      url: baseUrl + '/v1/oauth/token',
      method: 'POST',
      header: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: { mode: 'raw', raw: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: pm.variables.get('clientSecret') }) },
    }, (err, res) => {
      if (err || res.code !== 200) {
        console.error('FML token request failed: ' + (err ? err.message : res.code + ' ' + res.text()) + ' (check clientId, clientSecret and baseUrl)');
        return;
      }
      const body = res.json();
      pm.collectionVariables.set('accessToken', body.access_token);
      pm.collectionVariables.set('accessTokenOwner', owner);
      pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + body.expires_in * 1000));
    });
  }
}`;

// Runs after every request.
const TEST = `pm.test(pm.info.requestName + ' answers 2xx', () => {
  pm.expect(pm.response.code, pm.response.text()).to.be.within(200, 299);
});
pm.test(pm.info.requestName + ' carries X-Request-Id', () => {
  pm.expect(pm.response.headers.get('X-Request-Id')).to.be.a('string');
});`;

/** Per-operation test scripts: what a later request needs from this one's answer. */
const OPERATION_TESTS = {
  createToken: `const token = pm.response.json();
pm.collectionVariables.set('accessToken', token.access_token);
pm.collectionVariables.set('accessTokenOwner', pm.variables.replaceIn('{{baseUrl}}') + ' ' + pm.variables.get('clientId'));
pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + token.expires_in * 1000));`,
  createCase: `const created = pm.response.json();
pm.test('the case has an id', () => pm.expect(created.caseId).to.be.a('string'));
pm.collectionVariables.set('caseId', created.caseId);`,
  getCase: `pm.test('it is the created case', () => pm.expect(pm.response.json().caseId).to.eql(pm.collectionVariables.get('caseId')));`,
};

/** Request bodies that must come from variables rather than the spec's example. */
const OPERATION_BODIES = {
  createToken: { grant_type: 'client_credentials', client_id: '{{clientId}}', client_secret: '{{clientSecret}}' },
};

/** A stable UUID-shaped id from a name, so regenerating changes nothing. */
const stableId = (name) => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

// The converter's faker keeps a reference to Math.random taken when it loads; both that reference and
// later Math.random() calls are routed through `draw`, which is seeded only while converting.
let draw = Math.random;
const FAKE_NOW = Date.UTC(2026, 0, 1);
let Converter;
function loadConverter() {
  if (Converter) return Converter;
  const original = Math.random;
  Math.random = () => draw();
  try {
    Converter = require('openapi-to-postmanv2');
  } finally {
    Math.random = original;
  }
  return Converter;
}

async function convert(specText) {
  const converter = loadConverter();
  const original = Math.random;
  const RealDate = globalThis.Date;
  draw = seededRandom(15); // stands in for Math.random while the converter runs
  Math.random = () => draw();
  // Fakes for date-times count back from "now": make now a fixed instant while converting.
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [FAKE_NOW]));
    }
    static now() {
      return FAKE_NOW;
    }
  };
  try {
    const result = await new Promise((ok, fail) =>
      converter.convert(
        { type: 'string', data: specText },
        {
          folderStrategy: 'Tags',
          requestParametersResolution: 'Example',
          exampleParametersResolution: 'Example',
          includeAuthInfoInExample: false,
          optimizeConversion: false,
        },
        (err, res) => (err ? fail(err) : ok(res)),
      ),
    );
    if (!result.result) throw new Error(`openapi-to-postmanv2 could not convert openapi.yaml: ${result.reason}`);
    return result.output[0].data;
  } finally {
    Math.random = original;
    draw = original;
    globalThis.Date = RealDate;
  }
}

/** `METHOD /path/{param}` → operationId, from the spec. */
function operationIndex(spec) {
  const index = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS)
      if (item[method]?.operationId) index.set(`${method.toUpperCase()} ${path}`, item[method].operationId);
  }
  return index;
}

const requestKey = (request) =>
  `${request.method} /${request.url.path.map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/')}`;

/** Every request item, depth first, with the folder it sits in. */
function* requests(items, folder = null) {
  for (const item of items) {
    if (item.request) yield { item, folder };
    if (item.item) yield* requests(item.item, item);
  }
}

const flowRank = (op) => (FLOW.includes(op) ? FLOW.indexOf(op) : FLOW.length);

/** Makes the converter's collection runnable from top to bottom and deterministic. */
function shape(raw, spec) {
  const ops = operationIndex(spec);
  const collection = structuredClone(raw);
  const all = [...requests(collection.item)].map(({ item, folder }) => ({
    item,
    folder,
    op: ops.get(requestKey(item.request)),
  }));
  for (const { item, op } of all) {
    if (!op) throw new Error(`generate-postman: no operationId for ${requestKey(item.request)}`);
    const r = item.request;
    // Auth: inherited from the collection (bearer {{accessToken}}), except the token call itself.
    if (op === 'createToken') r.auth = { type: 'noauth' };
    else delete r.auth;
    for (const q of r.url.query ?? []) q.disabled = !ENABLED_QUERY.has(q.key);
    for (const v of r.url.variable ?? []) v.value = `{{${v.key}}}`;
    const values = OPERATION_BODIES[op];
    if (values && r.body?.mode === 'urlencoded')
      r.body.urlencoded = Object.entries(values).map(([key, value]) => ({ key, value, type: 'text' }));
    else if (values) throw new Error(`generate-postman: expected a form body for ${op}, got ${r.body?.mode}`);
    const exec = OPERATION_TESTS[op];
    item.event = exec ? [{ listen: 'test', script: { type: 'text/javascript', exec: exec.split('\n') } }] : [];
  }
  // Folders (one per tag) ordered by their first request in the flow; requests inside likewise.
  const rankOf = new Map(all.map(({ item, op }) => [item, flowRank(op)]));
  const folderRank = (entry) =>
    entry.request ? rankOf.get(entry) : Math.min(...[...requests(entry.item)].map(({ item }) => rankOf.get(item)));
  const sortItems = (items) => {
    items.sort((a, b) => folderRank(a) - folderRank(b));
    for (const i of items) if (i.item) sortItems(i.item);
  };
  sortItems(collection.item);
  // Webhooks are FML's calls, not requests to send: their tag's folder comes out empty.
  collection.item = collection.item.filter((i) => i.request || i.item?.length);

  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] };
  collection.event = [
    { listen: 'prerequest', script: { type: 'text/javascript', exec: PRE_REQUEST.split('\n') } },
    { listen: 'test', script: { type: 'text/javascript', exec: TEST.split('\n') } },
  ];
  collection.variable = [
    ...(collection.variable ?? []).filter((v) => v.key === 'baseUrl'),
    { key: 'caseId', value: '', type: 'string' },
    { key: 'accessToken', value: '', type: 'string' },
    { key: 'accessTokenOwner', value: '', type: 'string' },
    { key: 'accessTokenExpiresAt', value: '', type: 'string' },
  ];
  collection.info.description = {
    content: `${typeof collection.info.description === 'object' ? collection.info.description.content : (collection.info.description ?? '')}\n**Running it.** Set \`baseUrl\`, \`clientId\` and \`clientSecret\` (the bundled environment \`fml-sandbox.postman_environment.json\` points at a local \`npx fml-sandbox\`). The collection mints and caches the access token itself. Run it top to bottom: token → create (with an \`Idempotency-Key\`) → get → list → events.\n\nGENERATED from openapi.yaml by scripts/generate-postman.mjs (openapi-to-postmanv2); do not edit.\n`,
    type: 'text/markdown',
  };
  assignIds(collection);
  return collection;
}

/** Replaces the converter's random ids with ones derived from each item's place and name. */
function assignIds(collection) {
  collection.info._postman_id = stableId(`collection ${collection.info.name}`);
  const walk = (items, trail) => {
    for (const item of items) {
      const here = `${trail}/${item.name}`;
      item.id = stableId(here);
      (item.response ?? []).forEach((resp, i) => {
        resp.id = stableId(`${here} response ${i} ${resp.code}`);
      });
      if (item.item) walk(item.item, here);
    }
  };
  walk(collection.item, '');
}

function environment() {
  return {
    id: stableId('environment fml-sandbox'),
    name: 'FML sandbox (npx fml-sandbox)',
    values: [
      { key: 'baseUrl', value: 'http://127.0.0.1:4010', type: 'default', enabled: true },
      { key: 'clientId', value: '', type: 'default', enabled: true },
      { key: 'clientSecret', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}

const toText = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** Everything `postman/` should hold: repo-relative path → content. */
export async function generatePostman({ root = DEFAULT_ROOT } = {}) {
  const specText = await readFile(join(root, 'openapi.yaml'), 'utf8');
  const collection = shape(await convert(specText), parseYaml(specText));
  return new Map([
    [COLLECTION_PATH, toText(collection)],
    [ENVIRONMENT_PATH, toText(environment())],
  ]);
}

/** The files that differ from, or are missing against, `files`. */
export async function findPostmanDrift(files, { root = DEFAULT_ROOT } = {}) {
  const drift = [];
  for (const [path, content] of files) {
    const full = join(root, path);
    if (!existsSync(full)) drift.push({ path, problem: 'missing' });
    else if ((await readFile(full, 'utf8')) !== content) drift.push({ path, problem: 'differs' });
  }
  return drift;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const rootArg = args.find((a) => a.startsWith('--root='));
  const root = rootArg ? resolve(rootArg.slice('--root='.length)) : DEFAULT_ROOT;
  const files = await generatePostman({ root });
  const drift = await findPostmanDrift(files, { root });
  if (args.includes('--check')) {
    if (drift.length) {
      console.error(
        `postman/ is out of date with openapi.yaml:\n${drift.map((d) => `  ${d.path} (${d.problem})`).join('\n')}\nRun \`npm run generate\` and commit the result. Never edit postman/ by hand.`,
      );
      process.exitCode = 1;
    } else {
      console.log(`postman/ is up to date with openapi.yaml (${files.size} files).`);
    }
  } else {
    for (const { path } of drift) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), files.get(path));
    }
    console.log(
      drift.length
        ? drift.map((d) => `wrote ${d.path}`).join('\n')
        : `postman/ already up to date (${files.size} files).`,
    );
  }
}
