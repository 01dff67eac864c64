import { hsError } from './fake-hubspot-automation-call';
import type { AutomationApiRequest } from './fake-hubspot-automation-types';
import { dropConnection, type ShellAnswer, type ShellExchange, send } from './shell/http-shell';

/**
 * Passes a `/crm/…` request on to the fake CRM at `crm`, as `api.hubapi.com` serves both APIs, and
 * records it in `requests`. Aborted when `closing` fires (the connection is then dropped); a CRM that
 * cannot be reached is HubSpot's 502.
 */
export async function forwardToCrm(
  crm: string,
  closing: AbortSignal,
  { method, url, req, res, body: raw }: ShellExchange,
  auth: AutomationApiRequest['auth'],
  body: unknown,
  requests: AutomationApiRequest[],
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  let reply: ShellAnswer;
  try {
    const answer = await fetch(`${crm}${url.pathname}${url.search}`, {
      method,
      headers,
      signal: closing,
      ...(raw.length === 0 ? {} : { body: raw.toString('utf8') }),
    });
    const type = answer.headers.get('content-type');
    reply = { status: answer.status, headers: type ? { 'content-type': type } : {}, body: await answer.text() };
  } catch {
    if (closing.aborted) return dropConnection(req.socket);
    reply = {
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hsError('INTERNAL_ERROR', `The fake CRM at ${crm} could not be reached.`)),
    };
  }
  requests.push({ method, path: url.pathname, apiVersion: undefined, status: reply.status, auth, body });
  send(res, reply);
}
