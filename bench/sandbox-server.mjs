// One persisted sandbox in its own process, for bench/sandbox.bench.mjs: loads the persist file it is
// given (timing the load), then reports its URL and credentials over IPC and serves until killed.
import { createRequire } from 'node:module';

const { modulePath, persistPath } = JSON.parse(process.env.FML_BENCH_SANDBOX ?? '{}');
const { startSandbox } = createRequire(import.meta.url)(modulePath);
const started = performance.now();
try {
  const sb = await startSandbox({ persistPath, rateLimit: false, tokenRateLimit: false });
  process.send({
    type: 'ready',
    url: sb.url,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    loadMs: performance.now() - started,
  });
} catch (error) {
  process.send({
    type: 'failed',
    message: String(error?.message ?? error).slice(0, 200),
    loadMs: performance.now() - started,
  });
}
