import { createHmac, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Js, sha256Js } from '../../src/internal/sha256';

// The plain-JavaScript fallback (n8n's Code node has no crypto) against node:crypto, across the block
// boundaries of SHA-256's padding (55/56/63/64/119/120 bytes) and keys shorter, equal to and longer
// than the 64-byte HMAC block.
describe('plain-JavaScript SHA-256 and HMAC-SHA256', () => {
  const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000];
  it.each(lengths)('SHA-256 of %i bytes matches node:crypto', (n) => {
    const data = randomBytes(n);
    expect(Buffer.from(sha256Js(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });
  it.each([0, 5, 64, 65, 200])('HMAC-SHA256 with a %i-byte key matches node:crypto', (keyLength) => {
    const key = randomBytes(keyLength);
    for (const n of lengths) {
      const data = randomBytes(n);
      expect(Buffer.from(hmacSha256Js(key, data)).toString('hex')).toBe(
        createHmac('sha256', key).update(data).digest('hex'),
      );
    }
  });
});
