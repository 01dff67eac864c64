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

/**
 * `node:crypto` when the runtime has it, else undefined. `process.getBuiltinModule` (Node ≥ 20.16 and
 * 22.3, Bun, Deno) loads it without a static import, so Workers and browser bundles never see one;
 * older Node 20 releases simply fall back to WebCrypto.
 */
export function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined) : undefined;
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
export function hmacSha256Node(crypto: NodeCrypto, secret: string, data: string | Uint8Array, encoding: 'hex' | 'base64' = 'hex'): string {
  return crypto.createHmac('sha256', secret).update(data).digest(encoding);
}

/** HMAC-SHA256 with WebCrypto (Workers, Deno, Bun, browsers and Node). `purpose` names what fails without it. */
export async function hmacSha256(secret: string, data: string | Uint8Array, purpose = 'signatures'): Promise<Uint8Array> {
  const s = subtle(purpose);
  // Our bytes are never backed by a SharedArrayBuffer, which is all the stricter BufferSource type guards against.
  const key = await s.importKey('raw', utf8(secret) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await s.sign('HMAC', key, utf8(data) as BufferSource));
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

/** Standard base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function subtle(purpose: string): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new FmlConfigError(`This runtime has no WebCrypto (crypto.subtle) to compute ${purpose} with.`);
  return s;
}
