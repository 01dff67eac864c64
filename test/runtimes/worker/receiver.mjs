// A Cloudflare Worker that receives FML webhooks, written the way docs/webhooks.md tells a Workers user to:
// the secret is a binding (`env.FML_WEBHOOK_SECRET`, a `wrangler secret`), and the handler is made once
// per isolate so its in-memory de-duplication spans requests. The matrix bundles this file with esbuild
// the way wrangler does and serves it with workerd.
import { createWebhookHandler } from '@firstmilelabs/cases/webhooks';

let handler;

export default {
  async fetch(request, env) {
    handler ??= createWebhookHandler({
      secret: env.FML_WEBHOOK_SECRET,
      onEvent: async (event) => {
        console.log(`fml event ${event.event} ${event.eventId}`);
      },
    });
    return handler(request);
  },
};
