// The runtime suite: the SDK's public API, imported from the built package's exports the way a user
// imports it, run on each runtime of the matrix (Node, Bun, Deno, workerd) by scripts/test-matrix.mjs.
// Only web-standard globals here (fetch, Request, crypto.subtle, TextEncoder, atob): this one file runs
// unchanged in every runtime, talking to a sandbox the harness started in Node, over loopback.
import { FmlApiError, FmlClient, FmlConfigError, NotFoundError, ValidationError } from '@firstmilelabs/cases';
import {
  createWebhookHandler,
  parseEvent,
  verifySignature,
  verifySignatureSync,
  WebhookVerificationError,
  assertSignature,
} from '@firstmilelabs/cases/webhooks';

/**
 * What the harness hands every runtime.
 * @typedef {object} SuiteConfig
 * @property {string} baseUrl the sandbox's URL
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} runId makes this run's crmRecordIds unique
 * @property {{ bodyBase64: string, signature: string, secret: string, eventId: string, event: string }} delivery
 *   a webhook the sandbox really delivered (raw bytes as received, its X-FML-Signature), to verify here
 */

class Failure extends Error {}
const check = (ok, message) => {
  if (!ok) throw new Failure(message);
};
const same = (actual, expected, what) =>
  check(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);

/** Raw bytes from base64, with web APIs only. */
export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether this runtime gives the SDK node:crypto (the sync verifier's engine). */
export const hasNodeCrypto = () =>
  typeof globalThis.process?.getBuiltinModule === 'function' && !!globalThis.process.getBuiltinModule('node:crypto');

/** A fetch that records what the client sent and got, then behaves exactly like the runtime's own. */
function recordingFetch(log) {
  return async (input, init) => {
    const request = new Request(input, init);
    const res = await fetch(request);
    log.push({
      method: request.method,
      path: new URL(request.url).pathname,
      status: res.status,
      idempotencyKey: request.headers.get('idempotency-key'),
    });
    return res;
  };
}

const newCase = (crmRecordId) => ({
  customerEmail: `kyb+${crmRecordId}@acme.example`,
  customerName: 'Jane Doe',
  companyName: `Acme ${crmRecordId}`,
  country: 'United Kingdom',
  crmRecordId,
  crmSource: 'hubspot',
  sendInvite: false,
});

/** The signed delivery as a Request, as FML would POST it. */
const deliveryRequest = (body, signature) =>
  new Request('http://receiver.test/webhooks/fml', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fml-signature': signature },
    body,
  });

/** A copy of the body with one byte changed (the signature no longer matches). */
function tampered(body) {
  const copy = body.slice();
  const at = copy.indexOf(0x3a); // the first ':' of the JSON
  copy[at + 1] = copy[at + 1] === 0x20 ? 0x09 : 0x20;
  return copy;
}

/**
 * The tests, in order (the client ones share one client, so the token cache is observable).
 * The harness armed one 503 on the first `POST /v1/cases` before starting this runtime.
 * @param {SuiteConfig} config
 * @returns {Promise<{ name: string, ok: boolean, detail?: string, ms: number }[]>}
 */
export async function runSuite(config) {
  const log = [];
  // The default `env` (process.env where there is one) on purpose: Deno runs this with --allow-net only.
  const fml = new FmlClient({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    baseUrl: config.baseUrl,
    fetch: recordingFetch(log),
    retryBaseDelayMs: 5,
  });
  const body = fromBase64(config.delivery.bodyBase64);
  const { signature, secret } = config.delivery;
  const nodeCrypto = hasNodeCrypto();
  const state = { created: undefined };

  const tests = [
    [
      'cases.create retries an injected 503 with the same Idempotency-Key, one case',
      async () => {
        const crmRecordId = `${config.runId}-retry`;
        const result = await fml.cases.create(newCase(crmRecordId));
        const posts = log.filter((r) => r.method === 'POST' && r.path === '/v1/cases');
        same(posts.map((p) => p.status).join(','), '503,201', 'POST /v1/cases answers');
        check(
          !!posts[0].idempotencyKey && posts[0].idempotencyKey === posts[1].idempotencyKey,
          `the retry must resend the Idempotency-Key (${posts.map((p) => p.idempotencyKey).join(' vs ')})`,
        );
        same(result.idempotencyKey, posts[0].idempotencyKey, 'result.idempotencyKey');
        same(result.status, 201, 'result.status');
        same(result.replayed, false, 'result.replayed');
        same(result.case.crmRecordId, crmRecordId, 'case.crmRecordId');
        state.created = result.case;
        return `key ${result.idempotencyKey}, case ${result.case.caseId}`;
      },
    ],
    [
      'token minted once and cached',
      async () => {
        check(state.created, 'needs the created case');
        await fml.cases.create(newCase(`${config.runId}-p1`));
        await fml.cases.create(newCase(`${config.runId}-p2`));
        const mints = log.filter((r) => r.path === '/v1/oauth/token');
        same(mints.length, 1, 'token requests');
        same(mints[0].status, 200, 'token answer');
        return `1 mint for ${log.length - 1} API calls`;
      },
    ],
    [
      'cases.get',
      async () => {
        const got = await fml.cases.get(state.created.caseId);
        same(got.caseId, state.created.caseId, 'caseId');
        same(got.crmRecordId, state.created.crmRecordId, 'crmRecordId');
      },
    ],
    [
      'cases.list across pages',
      async () => {
        const before = log.filter((r) => r.method === 'GET' && r.path === '/v1/cases').length;
        const all = await fml.cases.list({ limit: 1, updatedSince: new Date(0) }).toArray();
        const ours = all.map((c) => c.crmRecordId).filter((id) => id.startsWith(`${config.runId}-`));
        same(
          ours.sort().join(','),
          [`${config.runId}-p1`, `${config.runId}-p2`, `${config.runId}-retry`].join(','),
          'listed cases',
        );
        const pages = log.filter((r) => r.method === 'GET' && r.path === '/v1/cases').length - before;
        check(pages >= all.length, `one page per case at limit 1: ${pages} pages for ${all.length} cases`);
        return `${all.length} cases in ${pages} pages`;
      },
    ],
    [
      'an API error maps to its class',
      async () => {
        try {
          await fml.cases.get('case_does_not_exist');
        } catch (err) {
          check(err instanceof NotFoundError, `expected NotFoundError, got ${err?.constructor?.name}: ${err?.message}`);
          check(err instanceof FmlApiError, 'NotFoundError is an FmlApiError');
          same(err.status, 404, 'status');
          check(typeof err.requestId === 'string' && err.requestId.length > 0, 'requestId is kept');
          check(
            !String(err.message).includes(config.clientSecret) && !JSON.stringify(err).includes(config.clientSecret),
            'the client secret never shows in the error',
          );
          const sent = log.length;
          try {
            await fml.cases.create({ ...newCase(`${config.runId}-bad`), customerEmail: 'not an email' });
          } catch (bad) {
            check(bad instanceof ValidationError, `a bad body throws ValidationError, got ${bad?.constructor?.name}`);
            same(log.length, sent, 'requests sent for a bad body');
            return 'NotFoundError 404, ValidationError with nothing sent';
          }
          throw new Failure('a bad body did not throw');
        }
        throw new Failure('get of an unknown case did not throw');
      },
    ],
    [
      'webhook verify + parse, WebCrypto',
      async () => {
        same(await verifySignature(body, signature, secret, { crypto: 'webcrypto' }), true, 'valid signature');
        same(await verifySignature(tampered(body), signature, secret, { crypto: 'webcrypto' }), false, 'tampered body');
        same(await verifySignature(body, signature, 'another-secret', { crypto: 'webcrypto' }), false, 'wrong secret');
        try {
          await assertSignature(tampered(body), signature, secret, { crypto: 'webcrypto' });
          throw new Failure('assertSignature accepted a tampered body');
        } catch (err) {
          check(
            err instanceof WebhookVerificationError,
            `expected WebhookVerificationError, got ${err?.constructor?.name}`,
          );
          same(err.reason, 'signature_mismatch', 'reason');
        }
        const event = parseEvent(body);
        same(event.eventId, config.delivery.eventId, 'eventId');
        same(event.event, config.delivery.event, 'event');
        return `${config.delivery.event}, ${body.length} bytes`;
      },
    ],
    [
      'webhook verify + parse, node:crypto',
      async () => {
        if (!nodeCrypto) {
          // Absent here: forcing it must fail clearly, and auto must fall back to WebCrypto.
          let refused;
          try {
            verifySignatureSync(body, signature, secret);
          } catch (err) {
            refused = err;
          }
          check(
            refused instanceof FmlConfigError && /node:crypto/.test(refused.message),
            `the sync verifier must refuse with an FmlConfigError naming node:crypto (got ${refused})`,
          );
          same(await verifySignature(body, signature, secret), true, 'auto falls back to WebCrypto');
          return 'no node:crypto in this runtime: sync verifier refuses clearly, auto uses WebCrypto';
        }
        same(await verifySignature(body, signature, secret, { crypto: 'node' }), true, 'valid signature (async, node)');
        same(verifySignatureSync(body, signature, secret), true, 'valid signature (sync)');
        same(verifySignatureSync(tampered(body), signature, secret), false, 'tampered body (sync)');
        same(
          verifySignatureSync(new TextDecoder().decode(body), signature, secret),
          true,
          'the body as a string (sync)',
        );
        same(parseEvent(body).eventId, config.delivery.eventId, 'eventId');
      },
    ],
    [
      'Fetch-API receiver: signed, tampered, duplicate',
      async () => {
        const seen = [];
        const handle = createWebhookHandler({
          secret,
          onEvent: (event) => void seen.push(event.eventId),
          onError: () => {},
        });
        const first = await handle(deliveryRequest(body, signature));
        same(first.status, 200, 'signed delivery status');
        same(JSON.stringify(await first.json()), '{"received":true}', 'signed delivery body');
        const bad = await handle(deliveryRequest(tampered(body), signature));
        same(bad.status, 400, 'tampered delivery status');
        same((await bad.json()).error, 'signature_mismatch', 'tampered delivery error');
        const again = await handle(deliveryRequest(body, signature));
        same(again.status, 200, 'duplicate status');
        same((await again.json()).duplicate, true, 'duplicate flag');
        same(seen.join(','), config.delivery.eventId, 'onEvent calls');
      },
    ],
  ];

  const results = [];
  for (const [name, run] of tests) {
    const started = Date.now();
    try {
      const detail = await run();
      results.push({
        name,
        ok: true,
        ...(detail ? { detail } : {}),
        ...(name.endsWith('node:crypto') && !nodeCrypto ? { absent: true } : {}),
        ms: Date.now() - started,
      });
    } catch (err) {
      const detail =
        err instanceof Failure ? err.message : `${err?.constructor?.name ?? 'Error'}: ${err?.message ?? err}`;
      results.push({ name, ok: false, detail, ms: Date.now() - started });
    }
  }
  return results;
}

/**
 * Verifies the delivery `iterations` times with one engine, after a short warm-up. Returns the time
 * this runtime's clock saw (workerd's clock stands still while code runs: the harness times it there).
 */
export async function benchVerify(config, engine, iterations) {
  const body = fromBase64(config.delivery.bodyBase64);
  const { signature, secret } = config.delivery;
  const once =
    engine === 'node-sync'
      ? async () => verifySignatureSync(body, signature, secret)
      : () => verifySignature(body, signature, secret, { crypto: engine });
  for (let i = 0; i < 200; i++) if (!(await once())) throw new Error('bench: the delivery did not verify');
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await once();
  return { engine, iterations, ms: performance.now() - started };
}

/** The engines this runtime can bench. */
export const benchEngines = () => (hasNodeCrypto() ? ['webcrypto', 'node', 'node-sync'] : ['webcrypto']);
