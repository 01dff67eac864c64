import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

// Without OpenTelemetry registered in the process, the engine makes no span and sends no trace context:
// the telemetry loader is one property read (what it costs per call is in `npm run bench`, which runs
// without OpenTelemetry). This file never imports @opentelemetry/api.
const REGISTERED = Symbol.for('opentelemetry.js.api.1');
let sb: Sandbox;

beforeEach(async () => {
  sb = await startSandbox({ webhookRetryDelaysMs: [], rateLimit: false, tokenRateLimit: false });
});
afterEach(() => sb.close());

describe('OpenTelemetry absent', () => {
  it('sends no traceparent and registers nothing, on the first attempt or a retry', async () => {
    expect((globalThis as Record<symbol, unknown>)[REGISTERED]).toBeUndefined();
    const sent: Headers[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      sent.push(request.headers);
      return fetch(request);
    };
    sb.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/v1/cases', times: 1 });
    const fml = new FmlClient({
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      baseUrl: sb.url,
      fetch: recording,
      retryBaseDelayMs: 1,
      env: {},
    });
    const result = await fml.cases.create({ customerEmail: 'jane@acme.example' });
    expect(result.status).toBe(201);
    expect(sent.length).toBe(3); // the token, the 503, the retry
    expect(sent.map((h) => h.get('traceparent'))).toEqual([null, null, null]);
    expect((globalThis as Record<symbol, unknown>)[REGISTERED]).toBeUndefined();
  });
});
