import { context, propagation, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FmlClient, RateLimitError } from '../../src/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

// With OpenTelemetry registered, each call is a CLIENT span (HTTP semantic conventions) with one child
// span per attempt, and the attempt's trace context goes out as `traceparent`.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let sb: Sandbox;
let traceparents: (string | null)[];

const tracing: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  if (new URL(request.url).pathname === '/v1/cases') traceparents.push(request.headers.get('traceparent'));
  return fetch(request);
};

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await provider.shutdown();
});
beforeEach(async () => {
  exporter.reset();
  traceparents = [];
  sb = await startSandbox({ webhookRetryDelaysMs: [], rateLimit: false, tokenRateLimit: false });
});
afterEach(() => sb.close());

const client = (extra = {}) =>
  new FmlClient({
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    baseUrl: sb.url,
    fetch: tracing,
    retryBaseDelayMs: 5,
    env: {},
    ...extra,
  });
const spansFor = (path: string) =>
  exporter.getFinishedSpans().filter((s) => String(s.attributes['url.full']).endsWith(path));

describe('OpenTelemetry', () => {
  it('makes a client span per call with one child per attempt, and propagates traceparent', async () => {
    sb.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/v1/cases', times: 1 });
    await client().cases.create(
      { customerEmail: 'kyb@acme.example', crmRecordId: '7', crmSource: 'hubspot' },
      { idempotencyKey: 'hubspot-7' },
    );
    const spans = spansFor('/v1/cases');
    expect(spans).toHaveLength(3);
    const call = spans.find((s) => s.attributes['fml.sdk.retry_count'] !== undefined)!;
    const attempts = spans.filter((s) => s !== call);
    expect(call.kind).toBe(2); // SpanKind.CLIENT
    expect(call.name).toBe('POST');
    expect(call.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${sb.url}/v1/cases`,
      'http.response.status_code': 201,
      'fml.sdk.retry_count': 1,
      'server.address': '127.0.0.1',
    });
    expect(call.attributes['error.type']).toBeUndefined();
    for (const a of attempts) {
      expect(a.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(a.spanContext().traceId).toBe(call.spanContext().traceId);
    }
    expect(
      attempts.map((a) => [
        a.attributes['http.response.status_code'],
        a.attributes['error.type'],
        a.attributes['http.request.resend_count'],
      ]),
    ).toEqual([
      [503, '503', undefined],
      [201, undefined, 1],
    ]);
    // Each attempt carries its own span's context on the wire.
    expect(traceparents).toEqual(attempts.map((a) => `00-${a.spanContext().traceId}-${a.spanContext().spanId}-01`));
  });

  it('records error.type on a call that fails, without secrets in any attribute', async () => {
    sb.faults.add({ kind: 'rate-limit', retryAfterSeconds: 1, method: 'GET', path: '/v1/cases', times: 'always' });
    const error = await client({ maxRetries: 0 })
      .cases.list()
      .firstPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const call = spansFor('/v1/cases').find((s) => s.attributes['fml.sdk.retry_count'] !== undefined)!;
    expect(call.attributes).toMatchObject({ 'http.response.status_code': 429, 'error.type': '429' });
    expect(call.status.code).toBe(2); // ERROR
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toContain(sb.clientSecret);
  });
});
