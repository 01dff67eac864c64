import { randomBytes } from 'node:crypto';
import type { AutomationApiRequest } from './fake-hubspot-automation-types';
import { type ShellExchange, send } from './shell/http-shell';

/**
 * How the fake automation reads one API request and answers it in HubSpot's shape: the parsed body,
 * who is calling (bearer token or developer `hapikey`), which API version the path belongs to, and
 * `answer`/`error`, which record the request (`requests`) as they send the answer.
 */

/** One API request as a route sees it: the parsed body, who is calling, and how to answer. */
export interface Call {
  exchange: ShellExchange;
  params: string[];
  apiVersion: AutomationApiRequest['apiVersion'];
  body: unknown;
  bearer: string | undefined;
  hapikey: string | undefined;
  auth: AutomationApiRequest['auth'];
  answer(status: number, payload?: unknown, headers?: Record<string, string>): void;
  error(status: number, category: string, message: string, headers?: Record<string, string>): void;
}

/** Reads a request into a {@link Call} (with no route params yet); its answers are recorded in `requests`. */
export function openCall(exchange: ShellExchange, requests: AutomationApiRequest[]): Call {
  const { method, url, req, res } = exchange;
  const apiVersion = apiVersionOf(url.pathname);
  const text = exchange.body.toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const hapikey = url.searchParams.get('hapikey') ?? undefined;
  const auth: AutomationApiRequest['auth'] = bearer ? 'bearer' : hapikey ? 'hapikey' : 'none';
  const answer: Call['answer'] = (status, payload, headers = {}) => {
    requests.push({ method, path: url.pathname, apiVersion, status, auth, body });
    send(res, {
      status,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      body: payload === undefined ? '' : JSON.stringify(payload),
    });
  };
  const error: Call['error'] = (status, category, message, headers = {}) =>
    answer(status, hsError(category, message), headers);
  return { exchange, params: [], apiVersion, body, bearer, hapikey, auth, answer, error };
}

/** The automation API version a path belongs to; undefined for other paths (e.g. `/crm/…`). */
export function apiVersionOf(path: string): AutomationApiRequest['apiVersion'] {
  return path.startsWith('/automation/v4/')
    ? 'v4'
    : /^\/automation\/actions\/(callbacks\/)?2026-03\//.test(path)
      ? '2026-03'
      : undefined;
}

/** HubSpot's error body. */
export const hsError = (category: string, message: string) => ({
  status: 'error',
  category,
  message,
  correlationId: randomBytes(8).toString('hex'),
});
