import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A request as the route handlers see it: already read, nothing left to stream. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/cases/abc`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A response before it is written; kept as text so idempotent replays repeat it byte for byte. */
export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** FML's API error body: `{ error, message, fields? }`. */
export function apiError(
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
  fields?: { field: string; message: string }[],
): SandboxResponse {
  return json(status, fields ? { error, message, fields } : { error, message }, headers);
}

/** RFC 6749 §5.2 error body of the token endpoint. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return json(status, { error, error_description: description }, { 'cache-control': 'no-store', ...headers });
}

/** The first value of a request header. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type of a request, lower-cased, without parameters (`charset`). */
export const mediaType = (headers: IncomingHttpHeaders): string =>
  (header(headers, 'content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

/** Thrown by {@link readBody} when a body is larger than allowed. */
export class BodyTooLargeError extends Error {}

/** Reads the whole body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(`Request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** JSON.parse that reports failure as undefined instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
