import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertSignature, constructEvent, createWebhookHandler } from '../../src/webhooks';
import { SECRET, samples, signed } from './fixtures';

/** Every way an object can end up in a log. */
function renderings(value: unknown): string[] {
  return [
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    JSON.stringify(value) ?? '',
    String(value),
    value instanceof Error ? JSON.stringify((value as { toJSON?: () => unknown }).toJSON?.() ?? {}) + value.stack : '',
  ];
}

function expectNoSecret(value: unknown): void {
  for (const text of renderings(value)) expect(text).not.toContain(SECRET);
}

describe('the webhook secret never leaks', () => {
  it('from any verification error, boolean or throwing, on either crypto path', async () => {
    const { body, signature } = signed(samples['case.created']);
    const attempts: [unknown, unknown][] = [
      [`${body} `, signature],
      [body, ''],
      [body, 'sha1=abc'],
      [body, 'sha256=abc'],
      [{ parsed: true }, signature],
    ];
    for (const crypto of ['node', 'webcrypto'] as const) {
      for (const [raw, header] of attempts) {
        const error = await assertSignature(raw, header as string, SECRET, { crypto }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expectNoSecret(error);
      }
    }
    const old = signed({ ...samples['case.created'], timestamp: '2020-01-01T00:00:00Z' });
    expectNoSecret(
      await constructEvent(old.body, { 'x-fml-signature': old.signature }, SECRET, { maxAgeSeconds: 1 }).catch(
        (e: unknown) => e,
      ),
    );
  });

  it('from any answer or onError report', async () => {
    const reports: unknown[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onEvent: () => {
        throw new Error('downstream failed');
      },
      onError: (error, context) => reports.push(error, context),
    });
    const { body, signature } = signed(samples['case.created']);
    const requests = [
      new Request('http://x/', { method: 'POST', body, headers: { 'x-fml-signature': signature } }),
      new Request('http://x/', { method: 'POST', body: `${body} `, headers: { 'x-fml-signature': signature } }),
      new Request('http://x/', { method: 'POST', body }),
      new Request('http://x/', { method: 'GET' }),
    ];
    for (const request of requests) {
      const response = await handler(request);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toContain(SECRET);
    }
    expect(reports.length).toBe(8);
    for (const report of reports) expectNoSecret(report);
  });
});
