/** A random id that tells lock and claim owners apart (WebCrypto: Node 20+, Workers, Deno, Bun). */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}
