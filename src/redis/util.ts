/** A random id that tells lock and claim owners apart (WebCrypto: Node 20+, Workers, Deno, Bun). */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
