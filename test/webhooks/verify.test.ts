import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import { WebhookVerificationError } from '../../src/webhooks/errors';
import { assertSignature, assertSignatureSync, verifySignature, verifySignatureSync } from '../../src/webhooks';
import { signWebhookBody } from '../../src/webhooks/sign';
import { OTHER_SECRET, SECRET, samples, signed } from './fixtures';

const engines = ['node', 'webcrypto'] as const;
const { body, signature } = signed(samples['case.status.changed']);

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe.each(engines)('verifySignature with %s crypto', (engine) => {
  const options = { crypto: engine };

  it('accepts the signature FML computes over the raw body', async () => {
    expect(await verifySignature(body, signature, SECRET, options)).toBe(true);
    await expect(assertSignature(body, signature, SECRET, options)).resolves.toBeUndefined();
  });

  it('accepts the body as a string, Buffer, Uint8Array, ArrayBuffer or DataView alike', async () => {
    const bytes = new TextEncoder().encode(body);
    const offsetView = new Uint8Array([9, 9, ...bytes]).subarray(2);
    for (const raw of [body, Buffer.from(body), bytes, bytes.buffer, offsetView, new DataView(bytes.buffer)]) {
      expect(await verifySignature(raw, signature, SECRET, options)).toBe(true);
    }
  });

  it('rejects a tampered body with signature_mismatch', async () => {
    const tampered = body.replace('"approved"', '"declined"');
    expect(await verifySignature(tampered, signature, SECRET, options)).toBe(false);
    expect(await reasonOf(assertSignature(tampered, signature, SECRET, options))).toBe('signature_mismatch');
  });

  it('rejects the right body under the wrong secret', async () => {
    expect(await verifySignature(body, signature, OTHER_SECRET, options)).toBe(false);
  });

  it('rejects a signature computed over re-serialised JSON, and says to pass the raw body', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const error = await assertSignature(pretty, signature, SECRET, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'signature_mismatch', code: 'webhook_verification_failed' });
    expect((error as Error).message).toMatch(/raw body/);
    expect((error as Error).message).toMatch(/not re-serialised JSON/);
  });

  it('accepts any of several secrets, so an endpoint can rotate', async () => {
    expect(await verifySignature(body, signature, [OTHER_SECRET, SECRET], options)).toBe(true);
    expect(await verifySignature(body, signWebhookBody(body, OTHER_SECRET), [SECRET, OTHER_SECRET], options)).toBe(
      true,
    );
    expect(await verifySignature(body, signature, [OTHER_SECRET, 'third'], options)).toBe(false);
  });

  it('accepts a header listing several signatures, comma or space separated, with whitespace around', async () => {
    const other = signWebhookBody(body, OTHER_SECRET);
    for (const header of [
      `${other},${signature}`,
      `${other} ${signature}`,
      `  ${signature}  `,
      `${other}, ${signature}\t`,
      `sha512=abc, ${signature}`,
    ]) {
      expect(await verifySignature(body, header, SECRET, options)).toBe(true);
    }
    expect(await verifySignature(body, [other, signature], SECRET, options)).toBe(true);
  });

  it('accepts upper-case hex (the same bytes) and an upper-case scheme', async () => {
    expect(await verifySignature(body, `sha256=${signature.slice(7).toUpperCase()}`, SECRET, options)).toBe(true);
    expect(await verifySignature(body, signature.toUpperCase(), SECRET, options)).toBe(true);
    const wrong = signWebhookBody(body, OTHER_SECRET).toUpperCase();
    expect(await reasonOf(assertSignature(body, wrong, SECRET, options))).toBe('signature_mismatch');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['blank', '   '],
    ['an empty list', []],
  ])('reports missing_signature for a header that is %s', async (_label, header) => {
    expect(await verifySignature(body, header, SECRET, options)).toBe(false);
    expect(await reasonOf(assertSignature(body, header, SECRET, options))).toBe('missing_signature');
  });

  it.each([
    ['sha1=', `sha1=${'a'.repeat(40)}`, /sha1=/],
    ['odd-length hex', `sha256=${signature.slice(7, 70)}`, /63 characters/],
    ['65 hex digits', `${signature}0`, /65 characters/],
    ['non-hex digits', `sha256=${'g'.repeat(64)}`, /64 hex digits/],
    ['no prefix', signature.slice(7), /"sha256=" prefix/],
    ['an empty value', 'sha256=', /0 characters/],
    ['only commas', ' , , ', /empty/],
  ])('reports malformed_signature for %s, saying what is wrong', async (_label, header, detail) => {
    expect(await verifySignature(body, header, SECRET, options)).toBe(false);
    const error = (await assertSignature(body, header, SECRET, options).catch(
      (e: unknown) => e,
    )) as WebhookVerificationError;
    expect(error.reason).toBe('malformed_signature');
    expect(error.message).toMatch(detail);
  });

  it.each([
    ['a number', 5],
    ['a boolean', true],
    ['an object', { value: signature }],
    ['a symbol', Symbol('sig')],
    ['a function', () => signature],
    ['a list of numbers', [1, 2]],
  ])('answers false (missing_signature), never a TypeError, for a header that is %s', async (_label, header) => {
    expect(await verifySignature(body, header as never, SECRET, options)).toBe(false);
    expect(await reasonOf(assertSignature(body, header as never, SECRET, options))).toBe('missing_signature');
  });

  it('keeps the string entries of a list holding other things too', async () => {
    expect(await verifySignature(body, [7, signature, null] as never, SECRET, options)).toBe(true);
  });

  it('refuses a header listing more than 16 signatures, even if one of them matches', async () => {
    const decoys = Array.from({ length: 16 }, (_, i) => `sha256=${i.toString(16).padStart(64, '0')}`);
    expect(await verifySignature(body, [...decoys.slice(1), signature].join(','), SECRET, options)).toBe(true); // 16 is allowed
    const tooMany = [...decoys, signature].join(', ');
    expect(await verifySignature(body, tooMany, SECRET, options)).toBe(false);
    const error = (await assertSignature(body, tooMany, SECRET, options).catch(
      (e: unknown) => e,
    )) as WebhookVerificationError;
    expect(error.reason).toBe('malformed_signature');
    expect(error.message).toMatch(/more than 16 signatures/);
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['an empty list', []],
    ['a list of empty strings', ['', '']],
  ])('throws missing_secret, even from the boolean form, when the secret is %s', async (_label, secret) => {
    expect(await reasonOf(verifySignature(body, signature, secret as never, options))).toBe('missing_secret');
  });

  it('throws invalid_body, even from the boolean form, for a body that was already parsed', async () => {
    const error = (await verifySignature(JSON.parse(body), signature, SECRET, options).catch(
      (e: unknown) => e,
    )) as WebhookVerificationError;
    expect(error.reason).toBe('invalid_body');
    expect(error.message).toMatch(/express\.raw/);
    expect(await reasonOf(verifySignature(undefined, signature, SECRET, options))).toBe('invalid_body');
  });
});

describe('the synchronous verifiers (node:crypto)', () => {
  it('agree with the async ones', () => {
    expect(verifySignatureSync(body, signature, SECRET)).toBe(true);
    expect(verifySignatureSync(`${body} `, signature, SECRET)).toBe(false);
    expect(verifySignatureSync(body, 'sha1=00', SECRET)).toBe(false);
    expect(() => assertSignatureSync(body, signature, [OTHER_SECRET, SECRET])).not.toThrow();
    expect(() => assertSignatureSync(body, '', SECRET)).toThrow(
      expect.objectContaining({ reason: 'missing_signature' }),
    );
    expect(() => verifySignatureSync(body, signature, '')).toThrow(
      expect.objectContaining({ reason: 'missing_secret' }),
    );
  });
});

describe('where node:crypto is absent (Workers, browsers, Node < 20.16)', () => {
  const getBuiltinModule = process.getBuiltinModule;
  afterEach(() => {
    process.getBuiltinModule = getBuiltinModule;
    vi.restoreAllMocks();
  });
  const removeNodeCrypto = () => {
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
  };

  it('the async verifier falls back to WebCrypto', async () => {
    removeNodeCrypto();
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    expect(await verifySignature(body, signature, SECRET)).toBe(true);
    expect(await verifySignature(`${body} `, signature, SECRET)).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('works where there is no process object at all (Workers without nodejs_compat)', async () => {
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const saved = globalThis.process;
    let pending: Promise<boolean>;
    (globalThis as { process?: unknown }).process = undefined;
    try {
      pending = verifySignature(body, signature, SECRET); // picks its HMAC implementation synchronously
    } finally {
      globalThis.process = saved;
    }
    expect(await pending).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('the entry, with everything it imports, loads no Node module statically (Workers, Deno, browsers)', async () => {
    const { build } = await import('esbuild');
    const entry = fileURLToPath(new URL('../../src/webhooks/index.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      external: ['node:*', 'zod', 'zod/*'],
      logLevel: 'silent',
    });
    const staticNode = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
      input.imports
        .filter((i) => i.kind === 'import-statement' && /^(node:|crypto$|http$|buffer$|stream$|fs$)/.test(i.path))
        .map((i) => `${file} → ${i.path}`),
    );
    expect(staticNode).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((f) => f.endsWith('webhooks/sign.ts'))).toBe(false);
  });

  it('the sync verifiers throw a configuration error that points to the async one', () => {
    removeNodeCrypto();
    expect(() => verifySignatureSync(body, signature, SECRET)).toThrow(FmlConfigError);
    expect(() => verifySignatureSync(body, signature, SECRET)).toThrow(/async verifier/);
  });

  it('with node:crypto present, auto does not touch WebCrypto', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    expect(await verifySignature(body, signature, SECRET)).toBe(true);
    expect(sign).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('the WebCrypto key cache', () => {
  afterEach(() => vi.restoreAllMocks());
  const webcrypto = { crypto: 'webcrypto' } as const;
  // Secrets of their own: the cache is per process, and other tests may have warmed it.
  const fresh = (name: string) => `whsec_cache_${name}_${Math.random().toString(36).slice(2)}`;

  it('imports a secret once, however many events it verifies (concurrent first calls included)', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const secret = fresh('once');
    const sig = signWebhookBody(body, secret);
    const results = await Promise.all(Array.from({ length: 20 }, () => verifySignature(body, sig, secret, webcrypto)));
    for (let i = 0; i < 30; i++) results.push(await verifySignature(body, sig, secret, webcrypto));
    expect(results.every(Boolean)).toBe(true);
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it('keys each secret apart: a cached right secret never makes a wrong one pass', async () => {
    const [right, wrong] = [fresh('right'), fresh('wrong')];
    const sig = signWebhookBody(body, right);
    expect(await verifySignature(body, sig, right, webcrypto)).toBe(true);
    expect(await verifySignature(body, sig, wrong, webcrypto)).toBe(false);
    expect(await verifySignature(body, sig, [wrong, right], webcrypto)).toBe(true);
    expect(await verifySignature(body, signWebhookBody(body, wrong), right, webcrypto)).toBe(false);
  });

  it('stays correct and bounded past its size: 100 secrets in turn, then the first again', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const secrets = Array.from({ length: 100 }, (_, i) => fresh(`many${i}`));
    for (const s of secrets) expect(await verifySignature(body, signWebhookBody(body, s), s, webcrypto)).toBe(true);
    expect(await verifySignature(body, signWebhookBody(body, secrets[0]!), secrets[0]!, webcrypto)).toBe(true);
    // The first secret was dropped to make room (bounded), so it was imported again.
    expect(importKey).toHaveBeenCalledTimes(101);
  });

  it('keeps the secrets it uses most: one verified between every other stays imported', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const hot = fresh('hot');
    const hotSig = signWebhookBody(body, hot);
    for (let i = 0; i < 60; i++) {
      const cold = fresh(`cold${i}`);
      expect(await verifySignature(body, signWebhookBody(body, cold), cold, webcrypto)).toBe(true);
      expect(await verifySignature(body, hotSig, hot, webcrypto)).toBe(true);
    }
    expect(importKey).toHaveBeenCalledTimes(61);
  });

  it('a failed import is not remembered: the next call imports again', async () => {
    const secret = fresh('fails');
    const sig = signWebhookBody(body, secret);
    const real = globalThis.crypto.subtle.importKey.bind(globalThis.crypto.subtle);
    const importKey = vi
      .spyOn(globalThis.crypto.subtle, 'importKey')
      .mockImplementationOnce(() => Promise.reject(new DOMException('busy', 'OperationError')));
    await expect(verifySignature(body, sig, secret, webcrypto)).rejects.toThrow(/busy/);
    importKey.mockImplementation(real);
    expect(await verifySignature(body, sig, secret, webcrypto)).toBe(true);
    expect(importKey).toHaveBeenCalledTimes(2);
  });
});

describe('properties', () => {
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.string({ unit: 'grapheme', maxLength: 512 }).map((s) => new TextEncoder().encode(s)),
  );
  const secrets = fc.string({ minLength: 1, maxLength: 64 });

  it('any body signed with the secret verifies, and any single-byte change does not (node:crypto)', () => {
    fc.assert(
      fc.property(bodies, secrets, fc.nat(), fc.integer({ min: 1, max: 255 }), (raw, secret, at, delta) => {
        const header = signWebhookBody(raw, secret);
        expect(verifySignatureSync(raw, header, secret)).toBe(true);
        if (raw.length === 0) return;
        const changed = Uint8Array.from(raw);
        const index = at % changed.length;
        changed[index] = changed[index]! ^ delta;
        expect(verifySignatureSync(changed, header, secret)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a signature with any one hex digit changed does not verify', async () => {
    const hex = signature.slice('sha256='.length);
    for (let i = 0; i < hex.length; i++) {
      const digit = ((parseInt(hex[i]!, 16) + 1) % 16).toString(16);
      const changed = `sha256=${hex.slice(0, i)}${digit}${hex.slice(i + 1)}`;
      expect(verifySignatureSync(body, changed, SECRET)).toBe(false);
      expect(await verifySignature(body, changed, SECRET, { crypto: 'webcrypto' })).toBe(false);
    }
  });

  it('the same holds with WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, secrets, fc.nat(), fc.integer({ min: 1, max: 255 }), async (raw, secret, at, delta) => {
        const header = signWebhookBody(raw, secret);
        expect(await verifySignature(raw, header, secret, { crypto: 'webcrypto' })).toBe(true);
        if (raw.length === 0) return;
        const changed = Uint8Array.from(raw);
        const index = at % changed.length;
        changed[index] = changed[index]! ^ delta;
        expect(await verifySignature(changed, header, secret, { crypto: 'webcrypto' })).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
