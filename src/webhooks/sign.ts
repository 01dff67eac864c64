import { createHmac } from 'node:crypto';

/**
 * The `X-FML-Signature` value FML sends for a body: `sha256=` + lower-case hex HMAC-SHA256 of the raw
 * bytes, keyed with the endpoint's secret. Used by the sandbox to sign deliveries and by tests to make
 * fixtures; receivers verify with `verifySignature`.
 */
export function signWebhookBody(rawBody: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
