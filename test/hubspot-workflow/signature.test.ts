import { createHash, createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { decodeV3Url, hubSpotSignature, verifyHubSpotSignature } from '../../src/hubspot/workflow-action/index';

// HubSpot's published test secret and examples (from its Node client's signature tests).
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URL_ = 'https://www.example.com/webhook_uri';
const BODY = '{"example_field":"example_value"}';
const PUBLISHED_V2_GET = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
const PUBLISHED_V2_POST = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
const PUBLISHED_V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const PUBLISHED_V1 = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';

// Independent implementations with node:crypto, written from HubSpot's docs.
const v1 = (secret: string, body: string) =>
  createHash('sha256')
    .update(secret + body)
    .digest('hex');
const v2 = (secret: string, method: string, url: string, body: string) =>
  createHash('sha256')
    .update(secret + method + url + body)
    .digest('hex');
const v3 = (secret: string, method: string, url: string, body: string, ts: number | string) =>
  createHmac('sha256', secret).update(`${method}${url}${body}${ts}`).digest('base64');

const NOW = 1_767_225_600_000; // fixed clock: 2026-01-01T00:00:00Z

describe('verifyHubSpotSignature', () => {
  const good = {
    method: 'POST',
    url: URL_,
    body: BODY,
    secret: SECRET,
    now: NOW,
    headers: {
      'x-hubspot-signature-v3': v3(SECRET, 'POST', URL_, BODY, NOW),
      'x-hubspot-request-timestamp': String(NOW),
    },
  };

  it.each([
    ['null', null, /needs an object/],
    ['a string', 'POST https://…', /needs an object/],
    ['no method', { ...good, method: undefined }, /method must be/],
    ['a method that is a number', { ...good, method: 1 }, /method must be/],
    ['no url', { ...good, url: undefined }, /url must be/],
    ['versions as a string', { ...good, versions: 'v3' }, /versions must be/],
    ['versions as a number', { ...good, versions: 3 }, /versions must be/],
    ['an unknown version in the list', { ...good, versions: ['v4'] }, /versions must be/],
    ['an empty versions list', { ...good, versions: [] }, /versions must be/],
    ['maxAgeMs NaN (which would accept any age)', { ...good, maxAgeMs: Number.NaN }, /maxAgeMs must be .*got NaN/],
    ['maxAgeMs as a string', { ...good, maxAgeMs: '300000' }, /maxAgeMs must be/],
    ['now as a string', { ...good, now: String(NOW) }, /now must be/],
  ])('never throws: answers invalid_input for %s', async (_label, input, message) => {
    const result = await verifyHubSpotSignature(input as never);
    expect(result).toMatchObject({ valid: false, reason: 'invalid_input', message: expect.stringMatching(message) });
  });

  it('never throws for headers that are not headers, answering missing_signature', async () => {
    for (const headers of [null, undefined, 42, 'x-hubspot-signature: abc', []]) {
      expect(await verifyHubSpotSignature({ ...good, headers } as never)).toMatchObject({
        valid: false,
        reason: 'missing_signature',
      });
    }
    expect(await verifyHubSpotSignature(good)).toEqual({ valid: true, version: 'v3' }); // the same input, well formed, verifies
  });

  it("matches HubSpot's published v2 examples (GET without body, POST with body)", async () => {
    expect(v2(SECRET, 'GET', URL_, '')).toBe(PUBLISHED_V2_GET);
    expect(v2(SECRET, 'POST', URL_, BODY)).toBe(PUBLISHED_V2_POST);
    expect(
      Signature.getSignature('GET', 'v2', { clientSecret: SECRET, requestBody: '', url: URL_, signature: '' }),
    ).toBe(PUBLISHED_V2_GET);

    const get = await verifyHubSpotSignature({
      method: 'GET',
      url: URL_,
      body: '',
      secret: SECRET,
      headers: { 'X-HubSpot-Signature': PUBLISHED_V2_GET, 'X-HubSpot-Signature-Version': 'v2' },
    });
    const post = await verifyHubSpotSignature({
      method: 'POST',
      url: URL_,
      body: BODY,
      secret: SECRET,
      headers: { 'x-hubspot-signature': PUBLISHED_V2_POST, 'x-hubspot-signature-version': 'v2' },
    });
    expect(get).toEqual({ valid: true, version: 'v2' });
    expect(post).toEqual({ valid: true, version: 'v2' });
    expect(await hubSpotSignature({ version: 'v2', secret: SECRET, method: 'POST', url: URL_, body: BODY })).toBe(
      PUBLISHED_V2_POST,
    );
  });

  it("matches HubSpot's published v1 example, and v1 is the default without a version header", async () => {
    expect(v1(SECRET, PUBLISHED_V1_BODY)).toBe(PUBLISHED_V1);
    expect(
      Signature.getSignature('POST', 'v1', { clientSecret: SECRET, requestBody: PUBLISHED_V1_BODY, signature: '' }),
    ).toBe(PUBLISHED_V1);
    const result = await verifyHubSpotSignature({
      method: 'POST',
      url: URL_,
      body: PUBLISHED_V1_BODY,
      secret: SECRET,
      headers: { 'X-HubSpot-Signature': PUBLISHED_V1 },
    });
    expect(result).toEqual({ valid: true, version: 'v1' });
  });

  it('verifies v3 (HMAC over method, URL, body and timestamp) and agrees with @hubspot/api-client', async () => {
    const signature = v3(SECRET, 'POST', URL_, BODY, NOW);
    expect(
      Signature.getSignature('POST', 'v3', {
        clientSecret: SECRET,
        requestBody: BODY,
        url: URL_,
        timestamp: NOW,
        signature: '',
      }),
    ).toBe(signature);
    const headers = { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(NOW) };
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: URL_, body: BODY, secret: SECRET, headers, now: NOW + 1000 }),
    ).toEqual({ valid: true, version: 'v3' });
    expect(
      await verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: BODY,
        secret: 'another-secret',
        headers,
        now: NOW,
      }),
    ).toMatchObject({ valid: false, reason: 'signature_mismatch', version: 'v3' });
  });

  it('decodes exactly the documented escapes in the v3 URL before checking', async () => {
    const sent =
      'https://app.example.com/hubspot/action?next=https%3A%2F%2Fx.example%2Fa%20b&q=%40me%2C%3B%21%24%27%28%29%2A%3F&keep=%2B%25%252F';
    const asSigned =
      "https://app.example.com/hubspot/action?next=https://x.example/a%20b&q=@me,;!$'()*?&keep=%2B%25%252F";
    expect(decodeV3Url(sent)).toBe(asSigned);
    const signature = v3(SECRET, 'POST', asSigned, BODY, NOW);
    const ok = await verifyHubSpotSignature({
      method: 'POST',
      url: sent,
      body: BODY,
      secret: SECRET,
      headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(NOW) },
      now: NOW,
    });
    expect(ok).toEqual({ valid: true, version: 'v3' });
    // Signed over the raw URL instead, it must not verify: the decoding really happens.
    const raw = v3(SECRET, 'POST', sent, BODY, NOW);
    const bad = await verifyHubSpotSignature({
      method: 'POST',
      url: sent,
      body: BODY,
      secret: SECRET,
      headers: { 'X-HubSpot-Signature-v3': raw, 'X-HubSpot-Request-Timestamp': String(NOW) },
      now: NOW,
    });
    expect(bad).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('rejects v3 timestamps outside the window, both ways (default 5 minutes)', async () => {
    const sign = (ts: number) => ({
      'X-HubSpot-Signature-v3': v3(SECRET, 'POST', URL_, BODY, ts),
      'X-HubSpot-Request-Timestamp': String(ts),
    });
    const check = (ts: number, maxAgeMs?: number) =>
      verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: BODY,
        secret: SECRET,
        headers: sign(ts),
        now: NOW,
        ...(maxAgeMs ? { maxAgeMs } : {}),
      });
    expect(await check(NOW - 300_000)).toMatchObject({ valid: true });
    expect(await check(NOW - 300_001)).toMatchObject({ valid: false, reason: 'timestamp_too_old' });
    expect(await check(NOW + 300_001)).toMatchObject({ valid: false, reason: 'timestamp_in_future' });
    expect(await check(NOW - 600_000, 900_000)).toMatchObject({ valid: true });
    const noTs = await verifyHubSpotSignature({
      method: 'POST',
      url: URL_,
      body: BODY,
      secret: SECRET,
      headers: { 'X-HubSpot-Signature-v3': 'abc' },
      now: NOW,
    });
    expect(noTs).toMatchObject({ valid: false, reason: 'missing_timestamp' });
    const badTs = await verifyHubSpotSignature({
      method: 'POST',
      url: URL_,
      body: BODY,
      secret: SECRET,
      headers: { 'X-HubSpot-Signature-v3': 'abc', 'X-HubSpot-Request-Timestamp': '2026-01-01' },
      now: NOW,
    });
    expect(badTs).toMatchObject({ valid: false, reason: 'invalid_timestamp' });
  });

  it('lets v3 decide alone when present: a valid v2 next to a stale v3 does not pass', async () => {
    const stale = NOW - 3_600_000;
    const headers = {
      'X-HubSpot-Signature': v2(SECRET, 'POST', URL_, BODY),
      'X-HubSpot-Signature-Version': 'v2',
      'X-HubSpot-Signature-v3': v3(SECRET, 'POST', URL_, BODY, stale),
      'X-HubSpot-Request-Timestamp': String(stale),
    };
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: URL_, body: BODY, secret: SECRET, headers, now: NOW }),
    ).toMatchObject({ valid: false, reason: 'timestamp_too_old' });
  });

  it('reads headers in any case, from Headers or a node-style record with arrays', async () => {
    const sig = v2(SECRET, 'POST', URL_, BODY);
    const fetchHeaders = new Headers({ 'x-HUBSPOT-signature': sig, 'X-HubSpot-Signature-VERSION': 'v2' });
    const nodeHeaders = { 'x-hubspot-signature': [sig, 'ignored'], 'x-hubspot-signature-version': 'V2' };
    expect(
      await verifyHubSpotSignature({ method: 'post', url: URL_, body: BODY, secret: SECRET, headers: fetchHeaders }),
    ).toEqual({ valid: true, version: 'v2' });
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: URL_, body: BODY, secret: SECRET, headers: nodeHeaders }),
    ).toEqual({ valid: true, version: 'v2' });
  });

  it('verifies bytes bodies, multi-byte text included', async () => {
    const text = '{"companyName":"Müller & Söhne 株式会社"}';
    const bytes = new TextEncoder().encode(text);
    const sig = v3(SECRET, 'POST', URL_, text, NOW);
    const headers = { 'X-HubSpot-Signature-v3': sig, 'X-HubSpot-Request-Timestamp': String(NOW) };
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: URL_, body: bytes, secret: SECRET, headers, now: NOW }),
    ).toEqual({ valid: true, version: 'v3' });
    expect(
      await verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: Buffer.from(text),
        secret: SECRET,
        headers,
        now: NOW,
      }),
    ).toEqual({ valid: true, version: 'v3' });
  });

  it('never throws for a bad request: it says why', async () => {
    const base = { method: 'POST', url: URL_, body: BODY, secret: SECRET, now: NOW };
    expect(await verifyHubSpotSignature({ ...base, headers: {} })).toMatchObject({
      valid: false,
      reason: 'missing_signature',
    });
    expect(
      await verifyHubSpotSignature({
        ...base,
        headers: { 'X-HubSpot-Signature': 'zz', 'X-HubSpot-Signature-Version': 'v9' },
      }),
    ).toMatchObject({ valid: false, reason: 'unsupported_version' });
    expect(
      await verifyHubSpotSignature({
        ...base,
        headers: { 'X-HubSpot-Signature': '', 'X-HubSpot-Signature-Version': 'v2' },
      }),
    ).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(
      await verifyHubSpotSignature({
        ...base,
        headers: { 'X-HubSpot-Signature-v3': '%%%not base64', 'X-HubSpot-Request-Timestamp': String(NOW) },
      }),
    ).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(
      await verifyHubSpotSignature({
        ...base,
        body: BODY.replace('value', 'valuf'),
        headers: { 'X-HubSpot-Signature': v2(SECRET, 'POST', URL_, BODY), 'X-HubSpot-Signature-Version': 'v2' },
      }),
    ).toMatchObject({ valid: false, reason: 'signature_mismatch', version: 'v2' });
    expect(
      await verifyHubSpotSignature({ ...base, secret: '', headers: { 'X-HubSpot-Signature': 'x' } }),
    ).toMatchObject({ valid: false, reason: 'missing_secret' });
    expect(
      await verifyHubSpotSignature({
        ...base,
        body: { parsed: true } as never,
        headers: { 'X-HubSpot-Signature': 'x' },
      }),
    ).toMatchObject({ valid: false, reason: 'invalid_body' });
    expect(await verifyHubSpotSignature({ ...base, headers: null as never })).toMatchObject({
      valid: false,
      reason: 'missing_signature',
    });
  });

  it('refuses versions it was told not to accept', async () => {
    const headers = { 'X-HubSpot-Signature': v1(SECRET, BODY), 'X-HubSpot-Signature-Version': 'v1' };
    expect(
      await verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: BODY,
        secret: SECRET,
        headers,
        versions: ['v3', 'v2'],
      }),
    ).toMatchObject({ valid: false, reason: 'version_not_allowed', version: 'v1' });
  });

  it('a different URL, method or secret fails v2', async () => {
    const headers = { 'X-HubSpot-Signature': v2(SECRET, 'POST', URL_, BODY), 'X-HubSpot-Signature-Version': 'v2' };
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: `${URL_}?x=1`, body: BODY, secret: SECRET, headers }),
    ).toMatchObject({ valid: false });
    expect(
      await verifyHubSpotSignature({ method: 'PUT', url: URL_, body: BODY, secret: SECRET, headers }),
    ).toMatchObject({ valid: false });
    expect(
      await verifyHubSpotSignature({ method: 'POST', url: URL_, body: BODY, secret: `${SECRET}x`, headers }),
    ).toMatchObject({ valid: false });
  });

  it('keeps the secret out of every result', async () => {
    const results = await Promise.all([
      verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: BODY,
        secret: SECRET,
        headers: { 'X-HubSpot-Signature': 'nope', 'X-HubSpot-Signature-Version': 'v2' },
      }),
      verifyHubSpotSignature({
        method: 'POST',
        url: URL_,
        body: BODY,
        secret: SECRET,
        headers: { 'X-HubSpot-Signature-v3': 'nope', 'X-HubSpot-Request-Timestamp': '1' },
        now: NOW,
      }),
    ]);
    for (const r of results) expect(JSON.stringify(r)).not.toContain(SECRET);
  });
});
