import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { buildBundleDir } from '../hubspot/helpers/bundle';
import { api, mint, postCase, startReceiver, type Receiver } from '../sandbox/helpers';

// examples/n8n/*.js pasted below dist/hubspot/fml-sdk.js, run the way n8n's JS task runner runs a Code
// node in its default (secure) mode: a fresh `vm` context holding only what n8n puts there — its
// native globals (Buffer, timers, btoa/atob, TextEncoder/TextDecoder, FormData), `require` that refuses
// every module, `module`, `console`, the data proxy ($input, $vars) and the RPC helpers — with the
// prototype lock-down of n8n 2.x's createVmExecutableCode (getPrototypeOf answering {}, defineProperty a
// no-op, constructors frozen), and the code wrapped in n8n's async function. No `process`, `fetch`,
// `AbortController`, `URL` or `crypto`. `helpers.httpRequest` keeps n8n's contract (full response,
// status errors ignored, text body) over real HTTP to the sandbox.
const example = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../examples/n8n/${name}`, import.meta.url)), 'utf8');

interface N8nRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  returnFullResponse?: boolean;
  ignoreHttpStatusErrors?: boolean;
  encoding?: string;
}

/** n8n's `helpers.httpRequest` as the Code node sees it; `sent` records each call's options. */
function httpRequestHelper(sent: N8nRequest[], bodyAs: 'text' | 'serialised-buffer' = 'text') {
  return async (options: N8nRequest) => {
    sent.push(options);
    const res = await fetch(options.url, { method: options.method, headers: options.headers, body: options.body });
    const text = await res.text();
    if (!options.ignoreHttpStatusErrors && res.status >= 400)
      throw new Error(`Request failed with status code ${res.status}`);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    // Bytes crossing n8n's task-runner connection arrive JSON-serialised.
    const body = bodyAs === 'text' ? text : JSON.parse(JSON.stringify(Buffer.from(text)));
    return options.returnFullResponse ? { statusCode: res.status, statusMessage: res.statusText, headers, body } : body;
  };
}

interface CodeNodeInput {
  items: { json: Record<string, unknown> }[];
  vars: Record<string, string>;
  helpers: Record<string, unknown>;
}

/** The paste-ready files' text, by the name the examples' first comment tells the user to paste. */
const pasted: Record<string, string> = {};

/** The paste-ready file an example says to paste above it (its first `dist/hubspot/*.js`). */
function pastedAbove(code: string): string {
  const name = /dist\/hubspot\/(fml-[a-z-]+\.js)/.exec(code)?.[1];
  const source = name && pasted[name];
  if (!source) throw new Error(`the example names no paste-ready file the build makes (${name ?? 'none'})`);
  return source;
}

/** Runs `code` (below the paste-ready file it names) as a "Run Once for All Items" Code node; resolves with what it returns. */
function runCodeNode(code: string, input: CodeNodeInput): Promise<unknown> {
  const context = createContext({
    __isExecutionContext: true,
    require: (id: string) => {
      throw new Error(`Cannot find module '${id}' [line 1]`);
    },
    module: {},
    console: { log: () => {}, warn: () => {}, error: () => {}, info: () => {}, debug: () => {} },
    Buffer,
    setTimeout,
    setInterval,
    setImmediate,
    clearTimeout,
    clearInterval,
    clearImmediate,
    btoa,
    atob,
    TextDecoder,
    TextEncoder,
    FormData,
    $input: { all: () => input.items, first: () => input.items[0], item: input.items[0] },
    $vars: input.vars,
    helpers: input.helpers,
    items: input.items,
  });
  const wrapped = [
    'globalThis.global = globalThis',
    'Object.getPrototypeOf = () => ({})',
    'Reflect.getPrototypeOf = () => ({})',
    'Object.setPrototypeOf = () => false',
    'Reflect.setPrototypeOf = () => false',
    // n8n 2.x goes further: the stack-trace hooks locked, defineProperty(ies) made no-ops, constructors frozen.
    'delete Error.prepareStackTrace',
    'delete Error.captureStackTrace',
    'Object.defineProperty(Error, "prepareStackTrace", { configurable: false, writable: false, value: undefined })',
    'Object.defineProperty(Error, "captureStackTrace", { configurable: false, writable: false, value: undefined })',
    'Object.defineProperty = () => ({})',
    'Object.defineProperties = () => ({})',
    '[Object, Function, Array, String, Number, Boolean, RegExp, Error, TypeError, RangeError, SyntaxError, ReferenceError, Promise, Symbol, Map, Set, WeakMap, WeakSet, Date, JSON, Math, Reflect, ArrayBuffer, DataView, Int8Array, Uint8Array, Float32Array, Float64Array].forEach((constructor) => { try { Object.freeze(constructor); } catch {} })',
    `module.exports = async function VmCodeWrapper() {${pastedAbove(code)}\n${code}\n}()`,
  ].join('; ');
  return runInContext(wrapped, context, { timeout: 10_000 }) as Promise<unknown>;
}

const outputs = (result: unknown) => (result as { json: Record<string, unknown> }[]).map((r) => r.json);

let sb: Sandbox;
let receiver: Receiver;
let cleanup: () => void = () => {};

beforeAll(async () => {
  const bundle = await buildBundleDir();
  cleanup = bundle.cleanup;
  pasted['fml-sdk.js'] = readFileSync(bundle.sdk, 'utf8');
  pasted['fml-verify.js'] = readFileSync(bundle.verify, 'utf8');
  receiver = await startReceiver();
  sb = await startSandbox({ webhookRetryDelaysMs: [10] });
  sb.addWebhookEndpoint(receiver.url);
}, 60_000);
afterAll(async () => {
  await sb?.close();
  await receiver?.close();
  cleanup();
});

describe("n8n's Code node sandbox, as the tests build it", () => {
  it('has none of process, fetch, AbortController, URL or crypto, and refuses require', async () => {
    const probe = `// pasted below dist/hubspot/fml-sdk.js\nreturn [{ json: { globals: [typeof process, typeof fetch, typeof AbortController, typeof URL, typeof crypto].join(','), sdk: typeof FmlSdk.FmlClient, require: (() => { try { require('crypto'); return 'loaded'; } catch { return 'refused'; } })() } }];`;
    expect(outputs(await runCodeNode(probe, { items: [], vars: {}, helpers: {} }))).toEqual([
      { globals: 'undefined,undefined,undefined,undefined,undefined', sdk: 'function', require: 'refused' },
    ]);
  });
});

describe('examples/n8n/start-case.js in that sandbox', () => {
  const vars = () => ({ FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: sb.url });
  const item = (id: string, extra: Record<string, unknown> = {}) => ({
    json: {
      customerEmail: `${id}@acme.example`,
      customerName: 'Jane Doe',
      companyName: 'Acme Ltd',
      country: 'GB',
      crmSource: 'pipedrive',
      crmRecordId: id,
      ...extra,
    },
  });

  it('creates a case per item through helpers.httpRequest, and a re-run replays them without duplicates', async () => {
    const sent: N8nRequest[] = [];
    const input = {
      items: [item('n8n-1'), item('n8n-2')],
      vars: vars(),
      helpers: { httpRequest: httpRequestHelper(sent) },
    };
    const first = outputs(await runCodeNode(example('start-case.js'), input));
    expect(first).toMatchObject([
      { ok: true, replayed: 'false', status: 'in-progress', idempotencyKey: 'pipedrive-n8n-1' },
      { ok: true, replayed: 'false', idempotencyKey: 'pipedrive-n8n-2' },
    ]);
    // One token, then one create per item, each with the item's own Idempotency-Key.
    expect(
      sent.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.headers['idempotency-key'] ?? ''}`.trim()),
    ).toEqual(['POST /v1/oauth/token', 'POST /v1/cases pipedrive-n8n-1', 'POST /v1/cases pipedrive-n8n-2']);
    expect(sent.every((r) => r.returnFullResponse && r.ignoreHttpStatusErrors)).toBe(true);

    const again = outputs(
      await runCodeNode(example('start-case.js'), {
        ...input,
        helpers: { httpRequest: httpRequestHelper([], 'serialised-buffer') },
      }),
    );
    expect(again).toMatchObject([
      { ok: true, caseId: first[0]!.caseId, replayed: 'idempotency-key' },
      { ok: true, caseId: first[1]!.caseId, replayed: 'idempotency-key' },
    ]);
    expect(sb.cases.filter((c) => c.crmRecordId === 'n8n-1' || c.crmRecordId === 'n8n-2')).toHaveLength(2);
  });

  it('reports bad data and a wrong secret as items, and fails the node when FML is down (for Retry On Fail)', async () => {
    const ok = {
      items: [item('n8n-3', { customerEmail: 'not-an-email' })],
      vars: vars(),
      helpers: { httpRequest: httpRequestHelper([]) },
    };
    expect(outputs(await runCodeNode(example('start-case.js'), ok))).toMatchObject([
      { ok: false, idempotencyKey: 'pipedrive-n8n-3', errorCode: 'validation_error' },
    ]);

    const wrong = { ...ok, items: [item('n8n-4')], vars: { ...vars(), FML_CLIENT_SECRET: 'sk_wrong_n8n_secret' } };
    const [refused] = outputs(await runCodeNode(example('start-case.js'), wrong));
    expect(refused).toMatchObject({ ok: false, errorCode: 'invalid_client' });
    expect(JSON.stringify(refused)).not.toContain('sk_wrong_n8n_secret');

    sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    try {
      const down = { ...ok, items: [item('n8n-5')] };
      await expect(
        runCodeNode(example('start-case.js').replace('timeoutMs: 10000,', 'timeoutMs: 10000, maxRetries: 0,'), down),
      ).rejects.toMatchObject({ name: 'ServerError', status: 503 });
    } finally {
      sb.faults.clear();
    }
  });
});

describe('examples/n8n/verify-webhook.js in that sandbox', () => {
  const b64 = (s: string) => Buffer.from(s);

  it('passes every delivery the sandbox signed (plain-JavaScript HMAC, no crypto module) and refuses a tampered one', async () => {
    const call = api(sb, await mint(sb));
    const created = await postCase(call, {
      customerEmail: 'hook@acme.example',
      companyName: 'Zürich Ünïcode 株式会社',
      crmRecordId: 'n8n-hook',
      crmSource: 'pipedrive',
    });
    expect(created.status).toBe(201);
    await sb.waitForDeliveries();
    const deliveries = receiver.requests.filter((r) => r.body.includes('n8n-hook'));
    expect(deliveries.length).toBeGreaterThanOrEqual(1);

    // The Webhook node's items: headers as JSON, the raw body as binary "data" (a Buffer, or the
    // JSON-serialised form it takes across the task runner's connection).
    const items = deliveries.map((r) => ({
      json: { headers: { 'x-fml-signature': String(r.headers['x-fml-signature']) } },
    }));
    const bodies = deliveries.map((r) => b64(r.body));
    const helpers = (serialised: boolean) => ({
      getBinaryDataBuffer: async (i: number, name: string) =>
        name === 'data' ? (serialised ? JSON.parse(JSON.stringify(bodies[i])) : bodies[i]) : undefined,
    });
    const vars = { FML_WEBHOOK_SECRET: sb.webhookSecret };
    for (const serialised of [false, true]) {
      const events = outputs(
        await runCodeNode(example('verify-webhook.js'), { items, vars, helpers: helpers(serialised) }),
      );
      expect(events).toEqual(deliveries.map((r) => JSON.parse(r.body)));
    }

    const tampered = [Buffer.from(deliveries[0]!.body.replace('hook@acme.example', 'evil@acme.example'))];
    await expect(
      runCodeNode(example('verify-webhook.js'), {
        items: [items[0]!],
        vars,
        helpers: { getBinaryDataBuffer: async () => tampered[0] },
      }),
    ).rejects.toThrow(/signature does not match/);
    await expect(
      runCodeNode(example('verify-webhook.js'), {
        items: [items[0]!],
        vars: { FML_WEBHOOK_SECRET: 'whsec_other' },
        helpers: helpers(false),
      }),
    ).rejects.toThrow(/signature does not match/);
  });
});
