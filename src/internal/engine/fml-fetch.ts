import type { OperationFacts } from '../../../generated/operations';
import { FmlConfigError } from '../../errors';
import { idempotencyKey } from '../../idempotency';
import { checkedBody } from './contract';
import type { EngineAnswer } from './engine-types';
import type { Transport } from './fml-transport';

// The FML transport as a `fetch`, for openapi-fetch (`fml.api`) and `createFmlFetch`.

/** The signature of `fetch` that openapi-fetch and `createFmlFetch`'s callers use. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The engine as a `fetch`: adds the token, the client's headers and the resilience, and answers with a
 * `Response` (any status: error answers are returned, as fetch does, after retries). Only sends to the
 * client's `baseUrl` — the token must never reach another origin. A POST without an `Idempotency-Key`
 * gets a random one, so that its retries cannot create twice.
 *
 * With `operationOf`, a 2xx to a path in the spec is checked like `Transport.send` checks it: a body that
 * is not JSON or lacks what the spec requires rejects with `InvalidResponseError` (openapi-fetch passes
 * the rejection on), so no half result reaches typed code. Paths the spec lacks pass unchecked.
 */
export function fetchOver(
  transport: Transport,
  operationOf?: (method: string, pathname: string) => OperationFacts | undefined,
): FetchLike {
  const base = transport.baseUrl;
  return async (input, init) => {
    const req = await readRequest(input, init, base);
    if (req.url !== base && !req.url.startsWith(`${base}/`) && !req.url.startsWith(`${base}?`)) {
      throw new FmlConfigError(
        `This fetch only sends to ${base} (it adds your FML token); got a request for ${new URL(req.url).origin}.`,
      );
    }
    const headers = { ...transport.baseHeaders, ...req.headers };
    if (req.method === 'POST' && headers['idempotency-key'] === undefined)
      headers['idempotency-key'] = idempotencyKey.random();
    const answer = await transport.engine.send(
      { method: req.method, url: req.url, headers, body: req.body },
      { signal: req.signal },
    );
    if (operationOf && answer.status >= 200 && answer.status < 300 && !NULL_BODY.has(answer.status)) {
      const pathname = req.url.slice(base.length).split(/[?#]/, 1)[0] || '/';
      const operation = operationOf(req.method, pathname);
      if (operation?.responses[String(answer.status)])
        checkedBody(answer.text, answer.status, answer.requestId, operation, `${req.method} ${pathname}`);
    }
    return toResponse(answer);
  };
}

/** Statuses whose `Response` must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(answer: EngineAnswer): Response {
  return new Response(NULL_BODY.has(answer.status) || answer.text === '' ? null : answer.text, {
    status: answer.status,
    headers: answer.headers,
  });
}

/** Method, absolute URL, lower-cased headers, a resendable body and the signal of a fetch call. */
async function readRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
  baseUrl: string,
): Promise<{
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | ArrayBuffer | Uint8Array<ArrayBuffer> | undefined;
  signal: AbortSignal | undefined;
}> {
  const absolute = (u: string) => (u.startsWith('/') ? `${baseUrl}${u}` : u);
  const body = init?.body;
  if (
    !(input instanceof Request) &&
    (body === undefined ||
      body === null ||
      typeof body === 'string' ||
      body instanceof ArrayBuffer ||
      (body instanceof Uint8Array && body.buffer instanceof ArrayBuffer))
  ) {
    return {
      method: (init?.method ?? 'GET').toUpperCase(),
      url: absolute(String(input)),
      headers: headerRecord(new Headers(init?.headers)),
      body: (body ?? undefined) as string | ArrayBuffer | Uint8Array<ArrayBuffer> | undefined,
      signal: init?.signal ?? undefined,
    };
  }
  // Streams, forms and Request objects (openapi-fetch sends these) are read once, so every retry resends the same bytes.
  const request =
    input instanceof Request && init === undefined
      ? input
      : new Request(input instanceof Request ? input : absolute(String(input)), init);
  return {
    method: request.method,
    url: request.url,
    headers: headerRecord(request.headers),
    body: request.body ? await request.arrayBuffer() : undefined,
    signal: request.signal,
  };
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}
