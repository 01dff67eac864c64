#!/usr/bin/env node
// Builds the paste-ready files for HubSpot Custom Code actions, which cannot `require` anything but a
// short allow-list of packages, and for other platforms that allow no dependency (n8n's Code node, …):
//   dist/hubspot/fml-hubspot-action.js  the whole action: settings at the top, `exports.main` at the end
//   dist/hubspot/fml-sdk.js             the SDK alone, for admins who write their own action code below it
//   dist/hubspot/fml-verify.js          FML's webhook signature check alone (verifySignature, assertSignature)
// Each is ONE CommonJS file, Node built-ins only, readable (not minified); the one package the action may
// load is `redis`, lazily, when a REDIS_URL secret is set (HubSpot's runtime provides it). Both are built
// from the npm package's own modules — the same cases.create, zod/mini validator, engine, contract check
// and Redis token store — with one swap only: no OpenTelemetry loader. HubSpot documents no size limit;
// the build fails past a 72 KB-minified guard per file (a sign something large slipped in), and
// `node scripts/build-hubspot.mjs [--analyze]` prints the sizes (and what each source file adds). Run
// after `tsup` (npm run build does both), or on its own: `node scripts/build-hubspot.mjs [outdir]`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `import('esbuild')` resolves from: it is installed as tsup's dependency. */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (error) {
    throw new Error(`build-hubspot: esbuild is not installed (it comes with tsup; run npm ci). ${error.message}`);
  }
}

const rule = (title) => `// ${'─'.repeat(3)} ${title} ${'─'.repeat(Math.max(3, 96 - title.length))}`;

// The action file's first statement, so the whole file — settings included — runs in strict mode. esbuild
// puts its own "use strict" after the banner, where it is only an expression; that one is removed.
const STRICT = '"use strict";';

function actionHeader(version) {
  return `/*
 * First Mile Labs — HubSpot Custom Code action: start an FML KYB case for the enrolled Company.
 * @firstmilelabs/cases v${version} · https://www.npmjs.com/package/@firstmilelabs/cases · MIT licence
 *
 * RUNTIME: Node.js 24 — the only one for new actions since 2026-11-03 (HubSpot moved every action
 * to 24 by 2026-11-17). This file returns its outputs (Node 24's contract, no callback); an action
 * not yet switched from Node.js 20 keeps working: it also calls Node 20's callback when given one.
 *
 * HOW TO USE (Company-based workflow → "Custom code" action, Language: Node.js 24):
 *  1. Secrets panel: add and TICK  FML_CLIENT_ID  and  FML_CLIENT_SECRET  (FML → Compliance
 *     Configuration → Public Pull API → New client, scope cases:write). Optional: FML_BASE_URL;
 *     REDIS_URL (redis:// or rediss://; a Redis Cluster: redis+cluster://host:port[,host:port]
 *     or rediss+cluster://) so every concurrent run shares one FML token instead of
 *     each Lambda minting its own, and paces on one budget of FML's rate limit (FML allows 30
 *     token mints and 120 requests a minute; if Redis is down, runs carry on with their own
 *     token, unpaced). HubSpot allows 1,000 characters for ALL of an action's
 *     secrets together: a long REDIS_URL can exceed it — the action then answers errorCode
 *     secrets_too_long (and warns when near it) instead of failing as a "wrong" secret.
 *  2. "Property to include in code" (inputs):
 *        email     ← kyb_contact_email   (required)  name    ← Name
 *        country   ← Country/Region                  contact ← kyb_contact_name
 *        companyId ← Record ID (hs_object_id)        (optional: without it, the enrolled
 *                                                     Company's own id is used)
 *     Other input names? Change FML_ACTION_OPTIONS.inputs below.
 *  3. Paste this whole file as the action's code. Nothing else is needed: it requires no package
 *     (only with REDIS_URL set does it load \`redis\`, which HubSpot's runtime provides).
 *  4. Data outputs: ok (Boolean); caseId, customerPortalUrl, inviteSentAt, status, replayed,
 *     errorCode, errorMessage (String). Every output is always set ("" when not applicable).
 *     replayed: "false" = new case, "idempotency-key" = re-run of this action,
 *     "crm-record-id" = FML already had a case for this Company.
 *  5. Add a "Copy property value" action after it: Custom code output caseId → Company property
 *     fml_case_id. This action only STARTS the case: for FML's later events (status, stage,
 *     decision) to update the Company, run a webhook receiver outside HubSpot — e.g. the npm
 *     package's createNodeWebhookHandler + updateCompanyFromEvent — registered in FML. It finds
 *     the Company by crmRecordId, else by fml_case_id.
 *  6. Branch on ok: when false, errorCode/errorMessage say what to fix (a missing secret, an empty
 *     kyb_contact_email, a stale secret, a missing cases:write scope). When FML is throttling or
 *     down, the action throws and HubSpot re-runs it later; re-runs never duplicate a case
 *     (Idempotency-Key hubspot-<companyId>).
 */
${STRICT}

${rule('Settings: edit these')}
const FML_ACTION_OPTIONS = {
  // The names of this action's inputs, as entered under "Property to include in code".
  inputs: { companyId: 'companyId', name: 'name', country: 'country', email: 'email', contact: 'contact' },
  // The Company properties those inputs are mapped from: error messages name them.
  propertyLabels: { companyId: 'hs_object_id', name: 'name', country: 'country', email: 'kyb_contact_email', contact: 'kyb_contact_name' },
  // Email the customer their portal invite as soon as the case exists.
  sendInvite: true,
  // Milliseconds one run may spend on FML, retries included. HubSpot stops actions at 20 s.
  budgetMs: 15000,
  // Appended to every Idempotency-Key (hubspot-<companyId>-<suffix>). Leave "" unless errorCode
  // validation_error_replayed says a key is stuck; then set e.g. "v2" (errorMessage explains).
  idempotencyKeySuffix: '',
};

${rule('The FML SDK, bundled (generated code: no need to read or edit below)')}
let FmlHubSpot; // { hubspotCustomCodeAction, VERSION }, set by the bundle below
`;
}

const actionFooter = `
${rule('The action')}
exports.main = FmlHubSpot.hubspotCustomCodeAction(FML_ACTION_OPTIONS);
`;

function sdkHeader(version) {
  return `/*
 * First Mile Labs SDK — one self-contained file for HubSpot Custom Code actions (Node.js 24; an
 * action still on Node.js 20 works too), and for any platform that allows no dependency, environment
 * or filesystem (n8n's Code node, …).
 * @firstmilelabs/cases v${version} · https://www.npmjs.com/package/@firstmilelabs/cases · MIT licence
 *
 * Paste this file first, then write your own action code BELOW it, using the FmlSdk object:
 *
 *   const { FmlClient, idempotencyKey, companyToCreateCase } = FmlSdk;
 *   const fml = new FmlClient();            // FML_CLIENT_ID / FML_CLIENT_SECRET secrets (tick them)
 *   exports.main = async (event) => {       // Node 24: return the outputs (Node 20 would take a callback)
 *     const { request, idempotencyKey: key } = companyToCreateCase(event.inputFields);
 *     const { case: kase, replayed } = await fml.cases.create(request, { idempotencyKey: key, deadlineMs: 15000 });
 *     return { outputFields: { caseId: kase.caseId, replayed: String(replayed) } };
 *   };
 *
 * Exposes: FmlClient (with fml.api, the openapi-fetch client), idempotencyKey, companyToCreateCase,
 * RetryableActionError, n8nFetch, every error class (each error has a stable .code), VERSION. Requires
 * no package. For the ready-made action — and its REDIS_URL token sharing — paste fml-hubspot-action.js;
 * to check FML's webhook signatures, fml-verify.js.
 */
`;
}

function verifyHeader(version) {
  return `/*
 * First Mile Labs — webhook signature check as one self-contained file, for any platform that allows
 * no dependency, environment or filesystem (n8n's Code node, a HubSpot Custom Code action, …).
 * @firstmilelabs/cases v${version} · https://www.npmjs.com/package/@firstmilelabs/cases · MIT licence
 *
 * Paste this file first, then your own code BELOW it, using the FmlVerify object:
 *
 *   const { verifySignature } = FmlVerify;
 *   // rawBody: the exact bytes FML sent (a string or Uint8Array), NOT JSON parsed and serialised again
 *   if (!(await verifySignature(rawBody, headers['x-fml-signature'], FML_WEBHOOK_SECRET))) throw new Error('forged');
 *
 * Exposes: verifySignature (resolves true/false), assertSignature (throws WebhookVerificationError),
 * WebhookVerificationError, VERSION. Uses node:crypto where the runtime has it, WebCrypto elsewhere,
 * and plain JavaScript where there is neither. Requires no package.
 */
`;
}

/** The footer of a file that sets the global `name`: also usable as a CommonJS module. */
const moduleFooter = (name) => `
// Also usable as a CommonJS module (its exports are ${name}'s members). Assigning onto \`exports\` (never
// replacing module.exports) keeps \`exports.main = ...\` written below this file working.
if (typeof exports === 'object' && exports !== null) Object.assign(exports, ${name});
`;

/**
 * HubSpot's runtime has no OpenTelemetry: the paste-ready files get src/internal/engine/telemetry-off.ts in place
 * of the optional loader, so they never look for `@opentelemetry/api`.
 */
const noTelemetry = {
  name: 'fml-no-telemetry',
  setup(build) {
    build.onResolve({ filter: /^\.\/telemetry$/ }, (args) =>
      args.resolveDir === join(root, 'src', 'internal', 'engine')
        ? { path: join(root, 'src', 'internal', 'engine', 'telemetry-off.ts') }
        : undefined,
    );
    // Pacing in a HubSpot execution's memory paces nothing (one or two requests per short-lived process).
    build.onResolve({ filter: /^\.\.\/rate-limit\/default-pacer$/ }, (args) =>
      args.resolveDir === join(root, 'src', 'internal', 'engine')
        ? { path: join(root, 'src', 'internal', 'rate-limit', 'default-pacer-off.ts') }
        : undefined,
    );
  },
};

/**
 * The files that run on plain Node only (the HubSpot action) leave out the stand-ins for what n8n's Code
 * node lacks: src/internal/engine/abort-fallback-off.ts replaces the minimal AbortController.
 */
const plainNode = {
  name: 'fml-plain-node',
  setup(build) {
    build.onResolve({ filter: /^\.\/abort-fallback$/ }, (args) =>
      args.resolveDir === join(root, 'src', 'internal', 'engine')
        ? { path: join(root, 'src', 'internal', 'engine', 'abort-fallback-off.ts') }
        : undefined,
    );
  },
};

/**
 * The action's entry: it hands the two names to the `let FmlHubSpot` its header declares, so the end of
 * the file reads `exports.main = FmlHubSpot.hubspotCustomCodeAction(FML_ACTION_OPTIONS)` with no glue.
 */
const actionEntry = `import { hubspotCustomCodeAction, VERSION } from './src/hubspot/bundle/action-entry';
FmlHubSpot = { hubspotCustomCodeAction, VERSION };
`;

/** Options every bundle shares: one readable CommonJS-compatible script for Node 20+, nothing external. */
function common(entry, globalName, lockedRealm = false) {
  const input =
    typeof entry === 'string'
      ? { entryPoints: [join(root, entry)] }
      : { stdin: { ...entry, resolveDir: root, loader: 'ts' } };
  return {
    ...input,
    bundle: true,
    write: false,
    format: 'iife',
    ...(globalName ? { globalName } : {}),
    platform: 'node',
    target: 'node20',
    minify: false,
    treeShaking: true,
    charset: 'utf8',
    legalComments: 'none',
    sourcemap: false,
    logLevel: 'silent',
    // Every import must be inlined: HubSpot's runtime cannot resolve packages we would leave external.
    external: [],
    // n8n's Code node replaces these built-ins before pasted code runs; the files pasted there (zod and
    // esbuild's export glue included) use stand-ins that behave as the built-ins do (see locked-realm.ts).
    // HubSpot's runtime is plain Node: the action keeps the built-ins (and its bytes).
    ...(lockedRealm
      ? {
          inject: [join(root, 'src', 'hubspot', 'bundle', 'locked-realm.ts')],
          define: {
            'Object.defineProperty': '__fmlDefineProperty',
            'Object.defineProperties': '__fmlDefineProperties',
            'Object.getPrototypeOf': '__fmlGetPrototypeOf',
          },
        }
      : {}),
    absWorkingDir: root,
    plugins: lockedRealm ? [noTelemetry] : [noTelemetry, plainNode],
  };
}

/**
 * The size guard, minified, for each paste-ready file: HubSpot sets no limit, but a file past it means
 * something large (full zod, a webhook receiver, the sandbox, openapi-fetch in the action) was pulled in
 * by mistake. It was 64 KB until the action gained what two requirements ask of it — Redis Cluster URLs
 * (+2.6 KB) and fleet-wide pacing on its REDIS_URL (+4.3 KB) — after the bytes it did not need left it
 * (the fetch adapter −1.4 KB, n8n's AbortController stand-in −0.4 KB): 72 KB keeps ~5 KB of headroom.
 */
export const SIZE_GUARD_BYTES = 72 * 1024;

/**
 * What each source file adds to the MINIFIED action, largest first (esbuild's metafile analysis): where
 * to look when a file nears its guard. `node scripts/build-hubspot.mjs --analyze`.
 */
export async function analyzeAction() {
  const esbuild = await loadEsbuild();
  const result = await esbuild.build({
    ...common({ contents: actionEntry, sourcefile: 'fml-hubspot-action.ts' }),
    minify: true,
    metafile: true,
  });
  return esbuild.analyzeMetafile(result.metafile);
}

/** Builds every paste-ready file into `outdir`; returns their paths and sizes (raw, minified, gzip). */
export async function buildHubSpotBundles({ outdir = join(root, 'dist', 'hubspot') } = {}) {
  const esbuild = await loadEsbuild();
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  await mkdir(outdir, { recursive: true });

  const files = [
    {
      name: 'fml-hubspot-action.js',
      entry: { contents: actionEntry, sourcefile: 'fml-hubspot-action.ts' },
      banner: actionHeader(version),
      footer: actionFooter,
      strict: true,
      lockedRealm: false,
    },
    {
      name: 'fml-sdk.js',
      entry: 'src/hubspot/bundle/sdk-entry.ts',
      globalName: 'FmlSdk',
      banner: sdkHeader(version),
      footer: moduleFooter('FmlSdk'),
      lockedRealm: true,
    },
    {
      name: 'fml-verify.js',
      entry: 'src/hubspot/bundle/verify-entry.ts',
      globalName: 'FmlVerify',
      banner: verifyHeader(version),
      footer: moduleFooter('FmlVerify'),
      lockedRealm: true,
    },
  ];
  const out = {};
  for (const f of files) {
    const result = await esbuild.build({
      ...common(f.entry, f.globalName, f.lockedRealm),
      banner: { js: f.banner },
      footer: { js: f.footer },
    });
    const code = (f.lockedRealm ? lockedRealmGlue : (_name, text) => text)(
      f.name,
      f.strict ? dropInertStrict(f.name, result.outputFiles[0].text) : result.outputFiles[0].text,
    );
    checkSelfContained(f.name, code);
    if (code.includes('opentelemetry'))
      throw new Error(
        `build-hubspot: ${f.name} still contains the OpenTelemetry loader; the telemetry-off swap did not apply.`,
      );
    const path = join(outdir, f.name);
    const sizes = await measure(esbuild, code);
    const guard = SIZE_GUARD_BYTES;
    if (sizes.minifiedBytes > guard)
      throw new Error(
        `build-hubspot: ${f.name} is ${kb(sizes.minifiedBytes)} minified, past its ${kb(guard)} guard (${sizes.minifiedBytes - guard} B over): \`node scripts/build-hubspot.mjs --analyze\` shows what grew.`,
      );
    await writeFile(path, code);
    out[f.name] = { path, guardBytes: guard, ...sizes };
  }
  return { version, outdir, files: out };
}

/**
 * esbuild's own export glue reads `Object.defineProperty` before any module runs, where `define` does not
 * reach: it defines through `Reflect.defineProperty` instead (same result, and it still works where n8n's
 * Code node made `Object.defineProperty` a no-op — else the file would export nothing there).
 */
function lockedRealmGlue(_name, code) {
  const glue = 'var __defProp = Object.defineProperty;';
  if (!code.includes(glue)) return code;
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: the `${…}` is JavaScript put into the built file, not ours to fill
  return code.replace(
    glue,
    'var __defProp = (o, k, d) => { if (!Reflect.defineProperty(o, k, d)) throw new TypeError(`Cannot define ${String(k)}`); return o; };',
  );
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: the `${…}` is JavaScript put into the built file, not ours to fill
}

/** Removes esbuild's "use strict" that follows the banner (the banner's own one already applies). */
function dropInertStrict(name, code) {
  const first = code.indexOf(STRICT);
  const second = code.indexOf(`\n${STRICT}\n`, first + STRICT.length);
  if (first < 0 || first > code.indexOf('const FML_ACTION_OPTIONS'))
    throw new Error(`build-hubspot: ${name} must start (after its header comment) with ${STRICT}`);
  return second < 0 ? code : code.slice(0, second) + code.slice(second + STRICT.length + 1);
}

/** Fails the build if the bundle would `require` (or import) anything at run time. */
function checkSelfContained(name, code) {
  const found = [...code.matchAll(/\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)|\bimport\s*\(\s*["'`]([^"'`]+)/g)].map(
    (m) => m[1] ?? m[2],
  );
  if (found.length) throw new Error(`build-hubspot: ${name} must be self-contained but loads ${found.join(', ')}.`);
}

/** Sizes in bytes: as written, minified by esbuild, and the minified text gzipped. */
export async function measure(esbuild, code) {
  const minified = (await esbuild.transform(code, { minify: true, loader: 'js', target: 'node20', charset: 'utf8' }))
    .code;
  return {
    rawBytes: Buffer.byteLength(code),
    minifiedBytes: Buffer.byteLength(minified),
    gzipBytes: gzipSync(minified, { level: 9 }).length,
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const analyze = args.includes('--analyze');
  const outArg = args.find((a) => !a.startsWith('--'));
  const outdir = outArg ? resolve(outArg) : undefined;
  buildHubSpotBundles(outdir ? { outdir } : {}).then(
    async ({ version, files }) => {
      for (const [name, f] of Object.entries(files)) {
        console.log(
          `build-hubspot: ${name} v${version} — ${kb(f.rawBytes)} raw, ${kb(f.minifiedBytes)} minified (guard ${kb(f.guardBytes)}), ${kb(f.gzipBytes)} gzip → ${f.path}`,
        );
      }
      if (analyze) console.log(await analyzeAction());
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
