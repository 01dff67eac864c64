import { FmlConfigError } from '../errors';
import { toBytes } from './bytes';

/**
 * Which HMAC implementation computes signatures. `auto` takes `node:crypto` when the runtime has it
 * (about ten times faster per event than WebCrypto on Node) and WebCrypto otherwise.
 */
export type CryptoEngine = 'auto' | 'node' | 'webcrypto';

interface NodeHmac {
  update(data: string | Uint8Array): NodeHmac;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
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

/** The node:crypto implementation `engine` asks for, or undefined when WebCrypto should be used. */
export function nodeCryptoFor(engine: CryptoEngine = 'auto'): NodeCrypto | undefined {
  if (engine === 'webcrypto') return undefined;
  const crypto = loadNodeCrypto();
  if (!crypto && engine === 'node') {
    throw new FmlConfigError('node:crypto is not available in this runtime (it needs Node ≥ 20.16, Bun or Deno). Use the async verifier, which falls back to WebCrypto.');
  }
  return crypto;
}

/** HMAC-SHA256 as lower-case hex, with node:crypto (synchronous). */
export function hmacNode(crypto: NodeCrypto, secret: string, body: string | Uint8Array): string {
  return crypto.createHmac('sha256', secret).update(body).digest('hex');
}

/** HMAC-SHA256 as lower-case hex, with WebCrypto (Workers, Deno, Bun, browsers and Node). */
export async function hmacWebCrypto(secret: string, body: string | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new FmlConfigError('This runtime has neither node:crypto nor WebCrypto (crypto.subtle), so webhook signatures cannot be checked.');
  // Bodies are never backed by a SharedArrayBuffer, which is all the stricter BufferSource type guards against.
  const key = await subtle.importKey('raw', toBytes(secret) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = new Uint8Array(await subtle.sign('HMAC', key, toBytes(body) as BufferSource));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
