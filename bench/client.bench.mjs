// Sequential cases.create through the SDK vs raw fetch with the same headers, against the same loopback
// server, in the same run. Reports the per-call ratio (target ≤ 1.10) and token requests (target 1).
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { FmlClient } from '../dist/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = 5;
const caseJson = JSON.stringify({ caseId: 'CS-1', customerEmail: 'jane@acme.example', status: 'in-progress', source: 'api', customerPortalUrl: 'https://app.firstmilelabs.com/', analystUrl: 'https://cases.firstmilelabs.com/?case=CS-1' });
let tokenRequests = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.url === '/v1/oauth/token') {
      tokenRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
    } else {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r' }).end(caseJson);
    }
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const body = { customerEmail: 'jane@acme.example', customerName: 'Jane Doe', companyName: 'Acme Ltd', country: 'United Kingdom', crmRecordId: '1', crmSource: 'hubspot', sendInvite: true };

const fml = new FmlClient({ clientId: 'pk', clientSecret: 'sk', baseUrl, env: {} });
async function sdkCalls(n) {
  for (let i = 0; i < n; i++) await fml.cases.create(body, { idempotencyKey: `bench-${i}` });
}
async function rawCalls(n) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${baseUrl}/v1/cases`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer tok', 'idempotency-key': `bench-${i}`, 'user-agent': 'raw' },
      body: JSON.stringify(body),
    });
    const data = await res.json();
    if (res.status !== 201 || !data.caseId) throw new Error('raw call failed');
  }
}
async function time(fn) {
  const t = process.hrtime.bigint();
  await fn(CALLS);
  return Number(process.hrtime.bigint() - t) / 1e3 / CALLS; // µs per call
}

await sdkCalls(200); // warm both paths (JIT, keep-alive sockets)
await rawCalls(200);
const sdk = [];
const raw = [];
for (let r = 0; r < ROUNDS; r++) {
  // Interleave so drift in machine load hits both sides alike.
  raw.push(await time(rawCalls));
  sdk.push(await time(sdkCalls));
}
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = { calls: CALLS * ROUNDS, rawUsPerCall: median(raw), sdkUsPerCall: median(sdk), ratio: median(sdk) / median(raw), tokenRequests, target: { ratio: 1.1, tokenRequests: 1 } };
console.table([
  { path: 'raw fetch (baseline)', 'µs/call (median of 5)': result.rawUsPerCall.toFixed(1) },
  { path: 'FmlClient.cases.create', 'µs/call (median of 5)': result.sdkUsPerCall.toFixed(1) },
]);
console.log(`ratio SDK/raw: ${result.ratio.toFixed(3)} (target ≤ 1.10) · token requests: ${tokenRequests} (target 1) · ${result.calls} calls per side`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/client.json', import.meta.url), JSON.stringify(result, null, 2));
