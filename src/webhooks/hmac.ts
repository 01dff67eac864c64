import { FmlConfigError } from '../errors';
import { loadNodeCrypto, type NodeCrypto } from '../internal/crypto';

/**
 * Which HMAC implementation computes signatures. `auto` takes `node:crypto` when the runtime has it
 * (about ten times faster per event than WebCrypto on Node) and WebCrypto otherwise.
 */
export type CryptoEngine = 'auto' | 'node' | 'webcrypto';

/** node:crypto, which `'node'` insists on: throws `FmlConfigError` where the runtime has none. */
export function nodeCryptoFor(engine: 'node'): NodeCrypto;
/** The node:crypto implementation `engine` asks for, or undefined when WebCrypto should be used. */
export function nodeCryptoFor(engine?: CryptoEngine): NodeCrypto | undefined;
export function nodeCryptoFor(engine: CryptoEngine = 'auto'): NodeCrypto | undefined {
  if (engine === 'webcrypto') return undefined;
  const crypto = loadNodeCrypto();
  if (!crypto && engine === 'node') {
    throw new FmlConfigError(
      'node:crypto is not available in this runtime (it needs Node ≥ 20.16, Bun or Deno). Use the async verifier, which falls back to WebCrypto.',
    );
  }
  return crypto;
}
