import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Sandbox } from '../../src/sandbox/index';

/** Credentials a token can be minted with (the sandbox itself, or `sb.createClient()`). */
export interface Creds {
  clientId: string;
  clientSecret: string;
}

export const jsonHeaders = { 'content-type': 'application/json' };

/** Mints an access token over HTTP and returns it. */
export async function mint(sb: Sandbox, creds: Creds = sb): Promise<string> {
  const res = await fetch(`${sb.url}/v1/oauth/token`, {
    method: 'POST',
    headers: jsonHeaders,
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    }),
  });
  if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** `fetch` against the sandbox with a bearer token. */
export function api(sb: Sandbox, token: string) {
  return (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${sb.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? jsonHeaders : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
}

/** POST /v1/cases with a JSON body. */
export function postCase(
  call: ReturnType<typeof api>,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call('/v1/cases', { method: 'POST', body: JSON.stringify(body), headers });
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback webhook receiver: answers `statuses[i]` to request i (or what the function says for a request), then 200. */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(
  statuses: number[] | ((request: ReceivedRequest, earlier: ReceivedRequest[]) => number) = [],
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      res.statusCode =
        typeof statuses === 'function' ? statuses(received, [...requests]) : (statuses[requests.length] ?? 200);
      requests.push(received);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-05-15T09:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The error code of a rejected fetch (ECONNRESET, UND_ERR_SOCKET, …). */
export async function fetchFailure(promise: Promise<Response>): Promise<string> {
  try {
    const res = await promise;
    await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (err as Error).message;
  }
  throw new Error('expected the request to fail at the connection level, but it succeeded');
}
