// A sandbox in its own process, persisted to FML_PERSIST_PATH, for the kill -9 test: it reports its
// URL and credentials over IPC, then serves until it is killed.
import { startSandbox } from '../../../src/sandbox/index';

void startSandbox({ persistPath: process.env.FML_PERSIST_PATH!, rateLimit: false }).then((sb) => {
  process.send?.({ url: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret });
});
