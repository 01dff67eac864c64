// A `fetch` for n8n's Code node, built on the node's own `this.helpers.httpRequest`. The Code node runs
// code in a bare `vm` context: no `fetch`, `Headers`, `Response` or `AbortController`, but n8n's HTTP
// helper. This turns one into the other, with just what the SDK's transport reads from an answer
// (`status`, `ok`, `headers.get`/`forEach`, `text()`), so `new FmlClient({ fetch })` works there.

/** The options of n8n's `helpers.httpRequest` this adapter sends (n8n's `IHttpRequestOptions`). */
export interface N8nHttpRequestOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Answer 4xx/5xx instead of throwing: the SDK reads FML's error body and decides. */
  ignoreHttpStatusErrors: true;
  /** Status and headers too, not only the body. */
  returnFullResponse: true;
  /** The body is sent as given (already JSON text); n8n must not encode it again. */
  json: false;
  /** The answer as text: the SDK parses it (and checks it against the contract) itself. */
  encoding: 'text';
}

/** What `helpers.httpRequest` answers with `returnFullResponse: true` (n8n's `IN8nHttpFullResponse`). */
export interface N8nHttpFullResponse {
  statusCode: number;
  headers?: Record<string, unknown>;
  /** Text as asked; n8n versions that still parse JSON give an object, and bytes arrive as a Buffer. */
  body?: unknown;
}

/** n8n's `this.helpers.httpRequest`. */
export type N8nHttpRequest = (options: N8nHttpRequestOptions) => Promise<N8nHttpFullResponse>;

/** The part of `fetch`'s answer the SDK reads. */
interface MinimalResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null; forEach(callback: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

/**
 * A `fetch` for `new FmlClient({ fetch })` inside n8n's Code node, sending every request through
 * `httpRequest` (pass `this.helpers.httpRequest`, or `helpers.httpRequest` where `this` is not the
 * node). Aborts (the client's timeouts and deadlines) reject the call at once; n8n's own request is
 * left to finish in the background, since its helper takes no signal.
 *
 * @example
 * const fml = new FmlClient({ clientId: $vars.FML_CLIENT_ID, clientSecret: $vars.FML_CLIENT_SECRET, fetch: n8nFetch(this.helpers.httpRequest) });
 */
export function n8nFetch(httpRequest: N8nHttpRequest): typeof globalThis.fetch {
  if (typeof httpRequest !== 'function') {
    throw new TypeError("n8nFetch needs the Code node's HTTP helper: n8nFetch(this.helpers.httpRequest).");
  }
  const fetchLike = async (
    input: unknown,
    init?: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal | null },
  ): Promise<MinimalResponse> => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const request = httpRequest({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers ?? {}) },
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      ignoreHttpStatusErrors: true,
      returnFullResponse: true,
      json: false,
      encoding: 'text',
    });
    const answer = await (signal ? raceSignal(request, signal) : request);
    return toResponse(answer);
  };
  return fetchLike as unknown as typeof globalThis.fetch;
}

function toResponse(answer: N8nHttpFullResponse): MinimalResponse {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(answer.headers ?? {})) {
    // Repeated headers come as arrays (axios); fetch joins them with ", ".
    if (value !== undefined && value !== null)
      headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const text = bodyText(answer.body);
  return {
    status: answer.statusCode,
    ok: answer.statusCode >= 200 && answer.statusCode < 300,
    headers: {
      get: (name) => headers[name.toLowerCase()] ?? null,
      forEach: (callback) => {
        for (const [key, value] of Object.entries(headers)) callback(value, key);
      },
    },
    text: () => Promise.resolve(text),
  };
}

/** The body as text, whichever form this n8n version hands it over in. */
function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Cross-realm safe: the Code node's Buffer comes from n8n's realm, not the code's.
  if (ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]')
    return new TextDecoder().decode(body as ArrayBuffer);
  // Bytes that crossed n8n's task-runner connection as JSON: { type: 'Buffer', data: [...] }.
  const serialised = body as { type?: unknown; data?: unknown };
  if (serialised.type === 'Buffer' && Array.isArray(serialised.data))
    return new TextDecoder().decode(new Uint8Array(serialised.data as number[]));
  // An n8n version that parsed the JSON answer itself: the same JSON again (FML's bodies are JSON).
  return JSON.stringify(body);
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
