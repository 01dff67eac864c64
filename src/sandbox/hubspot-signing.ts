import { createHash, createHmac } from 'node:crypto';
import type { ExecuteActionOptions } from './fake-hubspot-automation-types';

// HubSpot's signing, written out again with node:crypto (deliberately not the SDK's code), so a test
// against the fake automation checks the SDK's verifier against a second implementation.

const V3_ESCAPES: [RegExp, string][] = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

/** The headers HubSpot signs a request to an app with (v3 with v2 beside it, by default). */
export function signHeaders(
  kind: NonNullable<ExecuteActionOptions['signature']>,
  secret: string,
  url: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  const v2 = () => ({
    'X-HubSpot-Signature': createHash('sha256').update(`${secret}POST${url}${body}`).digest('hex'),
    'X-HubSpot-Signature-Version': 'v2',
  });
  const v3 = () => {
    const decoded = V3_ESCAPES.reduce((u, [re, ch]) => u.replace(re, ch), url);
    return {
      'X-HubSpot-Signature-v3': createHmac('sha256', secret)
        .update(`POST${decoded}${body}${timestamp}`)
        .digest('base64'),
      'X-HubSpot-Request-Timestamp': String(timestamp),
    };
  };
  switch (kind) {
    case 'v3':
      return { ...v2(), ...v3() };
    case 'v3-only':
      return v3();
    case 'v2':
      return v2();
    case 'v1':
      return {
        'X-HubSpot-Signature': createHash('sha256').update(`${secret}${body}`).digest('hex'),
        'X-HubSpot-Signature-Version': 'v1',
      };
    default:
      return {};
  }
}

/** How a signed request is signed and sent (the fields `execute` and `fetchOptions` share). */
interface SignedSend {
  signature?: ExecuteActionOptions['signature'];
  /** The URL to sign, when it differs from the one posted to. */
  signedUrl?: string;
  /** Changes the body after signing (a tampered request). */
  tamper?: (body: string) => string;
}

/** Signs `body` as HubSpot does, POSTs it to `url` and reads the answer (JSON when it parses, else the text). */
export async function postSigned(
  how: SignedSend,
  url: string,
  secret: string,
  body: string,
  timestamp: number,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const headers = signHeaders(how.signature ?? 'v3', secret, how.signedUrl ?? url, body, timestamp);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: how.tamper ? how.tamper(body) : body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
}
