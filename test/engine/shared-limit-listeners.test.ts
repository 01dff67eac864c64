// Attempts that start together share one time-limit signal (src/internal/engine/attempt-timer.ts). A `fetch` may add
// an abort listener to the signal it is given and keep it, and Node prints a MaxListenersExceededWarning
// past 10 listeners on one signal: a burst of calls must never make it print one, whether the calls carry
// their own signal (openapi-fetch always hands one over) or not, and whatever `fetch` does with the signal.
// Real sockets to the sandbox on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/index';
import { type Sandbox, startSandbox } from '../../src/sandbox/index';

let sb: Sandbox;
let warnings: string[];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message} ${warning.stack}`);

beforeEach(async () => {
  sb = await startSandbox({ webhookRetryDelaysMs: [], rateLimit: false, tokenRateLimit: false });
  warnings = [];
  process.on('warning', onWarning);
});

afterEach(async () => {
  process.off('warning', onWarning);
  await sb.close();
});

/** A fetch that, like many non-undici ones, listens on the signal and never stops listening. */
const listeningFetch: typeof fetch = (input, init) => {
  init?.signal?.addEventListener('abort', () => {});
  return fetch(input, init);
};

function client(options: { fetch?: typeof fetch } = {}): FmlClient {
  const { clientId, clientSecret } = sb.createClient();
  return new FmlClient({ clientId, clientSecret, baseUrl: sb.url, rateLimit: false, ...options });
}

/** Lets Node emit what the burst queued (warnings are emitted on a later tick). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a burst of calls and the shared time-limit signal', () => {
  it.each([
    ['the global fetch', undefined],
    ['a fetch that keeps a listener on the signal', listeningFetch],
  ])('40 concurrent creates, with and without a caller signal, print no listener-leak warning (%s)', async (_, f) => {
    const fml = client({ fetch: f });
    const caller = new AbortController();
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fml.cases.create(
          { customerEmail: `burst-${i}@acme.example` },
          { idempotencyKey: `burst-${i}`, ...(i % 2 ? { signal: caller.signal } : {}) },
        ),
      ),
    );
    const viaApi = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fml.api.GET('/v1/cases/{caseId}', { params: { path: { caseId: created[i]?.case.caseId ?? '' } } }),
      ),
    );
    await settle();
    expect(new Set(created.map((c) => c.case.caseId)).size).toBe(40);
    expect(viaApi.map((r) => r.response.status)).toEqual(Array(40).fill(200));
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
