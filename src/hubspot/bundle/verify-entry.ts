// Entry of dist/hubspot/fml-verify.js: FML's webhook signature check as one small paste-able file, for
// platforms that allow no dependency (n8n's Code node, …). It uses node:crypto where the runtime has
// it, WebCrypto elsewhere, and plain JavaScript where there is neither (n8n's bare vm context).
export { verifySignature, assertSignature } from '../../webhooks/verify';
export { WebhookVerificationError } from '../../webhooks/errors';
export { VERSION } from '../../version';
