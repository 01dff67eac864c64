import { FmlConfigError } from '../errors';

// Hashing primitives shared by the webhook verifier (FML's signatures) and the HubSpot workflow action
// (HubSpot's). Loaded by the webhooks entry, which must run in Workers: no static Node import here —
// node:crypto is reached through `process.getBuiltinModule` only.

const encoder = /* @__PURE__ */ new TextEncoder();

/** The slice of node:crypto the HMAC helpers use (so no static import or @types/node shape is needed). */
export interface NodeHmac {
  update(data: string | Uint8Array): NodeHmac;
  digest(encoding: 'hex' | 'base64'): string;
}
export interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: string): NodeHmac;
}

/** The `process.getBuiltinModule` last asked, and what it gave (a lookup per event would cost ~2%). */
let lookedUp: { from: unknown; crypto: NodeCrypto | undefined } | undefined;

/**
 * `node:crypto` when the runtime has it, else undefined. `process.getBuiltinModule` (Node ≥ 20.16 and
 * 22.3, Bun, Deno) loads it without a static import, so Workers and browser bundles never see one;
 * older Node 20 releases simply fall back to WebCrypto. Remembered for as long as the runtime's
 * `getBuiltinModule` stays the same function.
 */
export function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const from = proc?.getBuiltinModule;
  if (lookedUp === undefined || lookedUp.from !== from) {
    lookedUp = {
      from,
      crypto: typeof from === 'function' ? (from.call(proc, 'node:crypto') as NodeCrypto | undefined) : undefined,
    };
  }
  return lookedUp.crypto;
}

/** UTF-8 bytes of a string; bytes pass through. */
export function utf8(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/**
 * Equal strings, in time that depends only on their lengths (no early exit on the first difference).
 * Signatures are ASCII (hex, base64), where comparing UTF-16 code units is comparing bytes.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  // Past the end of `b`, charCodeAt is NaN, which `^` treats as 0: the length term already differs.
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** HMAC-SHA256 with node:crypto, synchronously, as hex or base64. */
export function hmacSha256Node(
  crypto: NodeCrypto,
  secret: string,
  data: string | Uint8Array,
  encoding: 'hex' | 'base64' = 'hex',
): string {
  return crypto.createHmac('sha256', secret).update(data).digest(encoding);
}

/**
 * How many imported HMAC keys {@link hmacSha256} keeps. A receiver uses one secret, two while rotating,
 * a multi-tenant one a few: 32 covers them, and a process that cycles through more secrets than that
 * only pays the import again (correct, just slower).
 */
const KEY_CACHE_SIZE = 32;

/**
 * Imported WebCrypto keys by secret. Importing costs about as much as the HMAC itself, so doing it per
 * event halved what the WebCrypto path could verify. Why this is safe: the keys are non-extractable
 * (`exportKey` refuses them); the Map is module-private, so no object a caller holds, logs or
 * serialises reaches it (`util.inspect` and `JSON.stringify` of any SDK object show nothing of it);
 * and it is bounded, so a rotated-out secret is dropped once {@link KEY_CACHE_SIZE} others have been
 * used since. It keeps nothing the caller does not pass on every call anyway. Strings cannot be WeakRef
 * or WeakMap keys, hence the bound rather than weak references. Promises are kept too, so concurrent
 * first calls import once.
 */
const importedKeys = new Map<string, ImportedKey>();
/** Ticks on every use; the entry with the oldest `used` is the one dropped when the cache is full. */
let uses = 0;

/** A key being imported, and the key itself once it is (so a hot path needs no await for it). */
interface ImportedKey {
  promise: Promise<CryptoKey>;
  key: CryptoKey | undefined;
  used: number;
}

function hmacKey(s: SubtleCrypto, secret: string): ImportedKey {
  const cached = importedKeys.get(secret);
  if (cached) {
    // A hit only stamps the entry: cheaper than re-inserting it to keep the Map in recency order.
    cached.used = ++uses;
    return cached;
  }
  if (importedKeys.size >= KEY_CACHE_SIZE) dropLeastRecentlyUsed();
  // Our bytes are never backed by a SharedArrayBuffer, which is all the stricter BufferSource type guards against.
  const promise = s.importKey('raw', utf8(secret) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  const entry: ImportedKey = { promise, key: undefined, used: ++uses };
  promise.then(
    (key) => {
      entry.key = key;
    },
    // A failed import is not remembered: the next call tries again.
    () => void (importedKeys.get(secret) === entry && importedKeys.delete(secret)),
  );
  importedKeys.set(secret, entry);
  return entry;
}

/** Only when a new secret arrives at a full cache: a scan of at most {@link KEY_CACHE_SIZE} entries. */
function dropLeastRecentlyUsed(): void {
  let oldest: string | undefined;
  let oldestUse = Infinity;
  for (const [secret, entry] of importedKeys) {
    if (entry.used < oldestUse) {
      oldestUse = entry.used;
      oldest = secret;
    }
  }
  if (oldest !== undefined) importedKeys.delete(oldest);
}

/** HMAC-SHA256 with WebCrypto (Workers, Deno, Bun, browsers and Node). `purpose` names what fails without it. */
export async function hmacSha256(
  secret: string,
  data: string | Uint8Array,
  purpose = 'signatures',
): Promise<Uint8Array> {
  const s = subtle(purpose);
  const entry = hmacKey(s, secret);
  return new Uint8Array(await s.sign('HMAC', entry.key ?? (await entry.promise), utf8(data) as BufferSource));
}

/**
 * True when `signature` is the HMAC-SHA256 of `data` under `secret`, checked by WebCrypto itself
 * (`crypto.subtle.verify` compares in constant time, and skips turning the digest into text). Not an
 * async function, so a warm call adds no promise of its own to WebCrypto's; it throws
 * `FmlConfigError` synchronously without WebCrypto (callers await it inside async functions).
 */
export function hmacSha256Verify(
  secret: string,
  data: string | Uint8Array,
  signature: Uint8Array,
  purpose = 'signatures',
): Promise<boolean> {
  const s = subtle(purpose);
  const entry = hmacKey(s, secret);
  const bytes = utf8(data) as BufferSource;
  if (entry.key) return s.verify('HMAC', entry.key, signature as BufferSource, bytes);
  return entry.promise.then((key) => s.verify('HMAC', key, signature as BufferSource, bytes));
}

/** SHA-256 with WebCrypto. */
export async function sha256(data: string | Uint8Array, purpose = 'signatures'): Promise<Uint8Array> {
  return new Uint8Array(await subtle(purpose).digest('SHA-256', utf8(data) as BufferSource));
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of lower-case hex text of even length (callers check the text first). */
export function fromHex(hex: string): Uint8Array {
  // Over an explicit ArrayBuffer: a small typed array is kept on V8's heap, and WebCrypto's first look
  // at its `.buffer` then has to move it off the heap, which costs more than the decoding.
  const out = new Uint8Array(new ArrayBuffer(hex.length >> 1));
  for (let i = 0; i < out.length; i++)
    out[i] = (hexDigit(hex.charCodeAt(2 * i)) << 4) | hexDigit(hex.charCodeAt(2 * i + 1));
  return out;
}

/** The value of one lower-case hex digit's character code (`0`-`9` are 48-57, `a`-`f` 97-102). */
const hexDigit = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/** Standard base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** True when the runtime offers WebCrypto (`crypto.subtle`); n8n's bare `vm` context does not. */
export function hasWebCrypto(): boolean {
  return globalThis.crypto?.subtle !== undefined;
}

function subtle(purpose: string): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new FmlConfigError(`This runtime has no WebCrypto (crypto.subtle) to compute ${purpose} with.`);
  return s;
}
