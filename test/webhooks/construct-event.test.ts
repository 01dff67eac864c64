import { describe, expect, it } from 'vitest';
import { WebhookPayloadError, WebhookVerificationError } from '../../src/webhooks/errors';
import { constructEvent, signatureHeaderOf } from '../../src/webhooks';
import { OTHER_SECRET, SECRET, samples, signed } from './fixtures';

const sample = samples['case.created'];
const { body, signature } = signed(sample);

describe('constructEvent', () => {
  it('verifies, then returns the typed event', async () => {
    const event = await constructEvent(body, new Headers({ 'X-FML-Signature': signature }), SECRET);
    expect(event).toEqual(sample);
  });

  it('reads the header from Headers, or a plain record in any case, or node string[] values', async () => {
    const shapes = [
      new Headers({ 'x-fml-signature': signature }),
      { 'X-FML-Signature': signature },
      { 'x-fml-signature': signature, 'content-type': 'application/json' },
      { 'X-Fml-Signature': [signature] },
      { 'x-fml-signature': [signWebhookBodyFor(OTHER_SECRET), signature] },
    ];
    for (const headers of shapes) await expect(constructEvent(body, headers, SECRET)).resolves.toEqual(sample);
  });

  it('fails with missing_signature when no header carries the signature', async () => {
    await expect(constructEvent(body, { 'x-other': signature }, SECRET)).rejects.toMatchObject({
      reason: 'missing_signature',
    });
    await expect(constructEvent(body, new Headers(), SECRET)).rejects.toMatchObject({ reason: 'missing_signature' });
  });

  it('checks the signature before parsing, so an unsigned bad payload is a verification error', async () => {
    await expect(constructEvent('not json', { 'x-fml-signature': signature }, SECRET)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
    const bad = signed('not json');
    await expect(constructEvent(bad.body, { 'x-fml-signature': bad.signature }, SECRET)).rejects.toBeInstanceOf(
      WebhookPayloadError,
    );
  });

  it('works on the WebCrypto path too', async () => {
    await expect(
      constructEvent(Buffer.from(body), { 'x-fml-signature': signature }, SECRET, { crypto: 'webcrypto' }),
    ).resolves.toEqual(sample);
  });

  describe('maxAgeSeconds', () => {
    const at = (msAgo: number) => signed({ ...sample, timestamp: new Date(Date.now() - msAgo).toISOString() });

    it('is off by default, so a manual redelivery with its old timestamp is accepted', async () => {
      const old = at(30 * 86_400_000);
      await expect(constructEvent(old.body, { 'x-fml-signature': old.signature }, SECRET)).resolves.toMatchObject({
        event: 'case.created',
      });
    });

    it('rejects an older signed timestamp with timestamp_too_old', async () => {
      const old = at(10 * 60_000);
      const error = await constructEvent(old.body, { 'x-fml-signature': old.signature }, SECRET, {
        maxAgeSeconds: 300,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'timestamp_too_old' });
      expect((error as Error).message).toMatch(/redelivery/);
    });

    it('accepts a timestamp inside the window', async () => {
      const fresh = at(60_000);
      await expect(
        constructEvent(fresh.body, { 'x-fml-signature': fresh.signature }, SECRET, { maxAgeSeconds: 300 }),
      ).resolves.toMatchObject({ event: 'case.created' });
    });
  });
});

describe('signatureHeaderOf', () => {
  it('joins repeated values and ignores other headers', () => {
    expect(signatureHeaderOf({ 'X-FML-SIGNATURE': 'a', 'x-fml-signature': ['b', 'c'], other: 'd' })).toBe('a, b, c');
    expect(signatureHeaderOf({ 'x-fml-signature': undefined })).toBeUndefined();
    expect(signatureHeaderOf(undefined)).toBeUndefined();
  });
});

function signWebhookBodyFor(secret: string): string {
  return signed(sample, secret).signature;
}
