import { createHmac } from 'node:crypto';
import { hmacSha256Node } from '../internal/crypto';

/**
 * The `X-FML-Signature` value FML sends for a body: `sha256=` + lower-case hex HMAC-SHA256 of the raw
 * bytes, keyed with the endpoint's secret. Used by the sandbox to sign deliveries and by tests to make
 * fixtures; receivers verify with `verifySignature`. Node-only (a static node:crypto import), which is
 * why the webhooks entry does not export it.
 */
export function signWebhookBody(rawBody: string | Uint8Array, secret: string): string {
  return `sha256=${hmacSha256Node({ createHmac }, secret, rawBody)}`;
}
