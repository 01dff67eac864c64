import { createServer } from 'node:http';
import { it } from 'vitest';
import { FmlClient } from '../../src/client';
import { startSandbox } from '../../src/sandbox/index';

it('probe', async () => {
  const sb = await startSandbox({ rateLimit: false, webhookRetryDelaysMs: [25, 50, 100, 200, 400, 800, 1600, 3200], webhookTimeoutMs: 1000 });
  let got = 0;
  const server = createServer((req, res) => { got++; req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sb.addWebhookEndpoint(`http://127.0.0.1:${(server.address() as { port: number }).port}/x`);
  const fml = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url });
  let next = 0;
  await Promise.all(Array.from({ length: 24 }, async () => { while (next < 400) { const i = next++; await fml.cases.create({ customerEmail: `p${i}@example.com`, sendInvite: true }); } }));
  await sb.waitForDeliveries({ timeoutMs: 30000 });
  const d = sb.deliveries;
  const timeouts = d.flatMap((x) => x.attempts).filter((a) => a.error).length;
  const errs: Record<string, number> = {}; for (const a of d.flatMap((x) => x.attempts)) if (a.error) errs[a.error] = (errs[a.error] ?? 0) + 1; console.log('PROBE', JSON.stringify(errs), JSON.stringify(d.slice(0,3).map(x=>x.attempts)));
  console.log('PROBE deliveries', d.length, 'received', got, 'attempt errors', timeouts, 'failed', d.filter((x) => x.state === 'failed').length);
  server.close(); await sb.close();
}, 60000);
