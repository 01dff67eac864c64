import { WebhookVerificationError } from './errors';

/** The request body exactly as received: a string, or bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`, any view). */
export type RawBody = string | ArrayBuffer | ArrayBufferView;

const encoder = /* @__PURE__ */ new TextEncoder();

/** True for the body types the verifier accepts. */
export function isRawBody(value: unknown): value is RawBody {
  return typeof value === 'string' || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * The body as a string or byte view, ready to hash. Anything else means the framework already parsed
 * the body, and re-serialising it would change the signed bytes, so say exactly that.
 */
export function hashableBody(rawBody: unknown): string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  if (ArrayBuffer.isView(rawBody)) return new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const got =
    rawBody === null || rawBody === undefined
      ? String(rawBody)
      : `a ${Array.isArray(rawBody) ? 'array' : typeof rawBody}`;
  throw new WebhookVerificationError(
    'invalid_body',
    `rawBody must be the request body exactly as received (string, Buffer, Uint8Array or ArrayBuffer); got ${got}. ` +
      'If a JSON body parser already ran (e.g. express.json()), mount the webhook route with express.raw({ type: "application/json" }) instead: re-serialised JSON is not the bytes FML signed.',
  );
}

/** The body as bytes (UTF-8 for strings). */
export function toBytes(rawBody: string | Uint8Array): Uint8Array {
  return typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
}

/** One array holding every chunk, in order. */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const [only] = chunks;
  if (chunks.length === 1 && only?.byteLength === total) return only;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
