// A timed-out attempt must give its connection back, not only give up on it: against a server that
// never answers (or stops mid-body), the engine aborts the exchange, so the client closes the socket
// itself. The server here never destroys a socket that carried a call; it only watches them close. Real fetch, real sockets
// on 127.0.0.1 (no nock): this is about what the HTTP stack does with the connection.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FmlClient, FmlTimeoutError, createFmlFetch } from '../../src/index';
import { caseBody, validCreate } from '../helpers/fml-nock';

interface Silent {
  baseUrl: string;
  /** Requests to FML paths other than the token endpoint that reached the server. */
  calls: () => number;
  /** Resolves once every socket that carried a silent call has been closed (by the client: the server never closes one). */
  allClosed: () => Promise<void>;
  server: Server;
}

/** A token endpoint that answers (and closes its connection), and every other path silent: `headers` only, or nothing at all. */
async function silentServer(mode: 'no-answer' | 'headers-then-silence'): Promise<Silent> {
  const closed: Promise<void>[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/oauth/token') {
        res
          .writeHead(200, { 'content-type': 'application/json', connection: 'close' })
          .end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      if (req.url === '/v1/cases/CS-FAST') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(caseBody()));
        return;
      }
      calls++;
      const socket = req.socket;
      if (!socket.destroyed) closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      if (mode === 'headers-then-silence') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.write(JSON.stringify(caseBody()).slice(0, 20));
      }
      // …and never another byte.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls: () => calls,
    allClosed: async () => void (await Promise.all(closed)),
    server,
  };
}

const servers: Server[] = [];
afterEach(async () => {
  // fetch may hold a spare, never-used connection open for its keep-alive time: let it go with the server.
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.close((error) => (error ? reject(error) : resolve()));
          s.closeAllConnections();
        }),
    ),
  );
});

// Each attempt's time limit: long enough that its request reaches this in-process server even on a busy
// 2-core machine (the test counts what arrived: at 150 ms, a loaded machine let an attempt time out
// before the server had read it), short enough to keep the test quick.
const ATTEMPT_MS = 1000;

describe('a timed-out attempt frees its connection', () => {
  for (const mode of ['no-answer', 'headers-then-silence'] as const) {
    it(`cases.create against a server that ${mode === 'no-answer' ? 'never answers' : 'stops mid-body'}: every attempt times out and the client closes each socket`, async () => {
      const silent = await silentServer(mode);
      servers.push(silent.server);
      const fml = new FmlClient({
        clientId: 'pk',
        clientSecret: 'sk',
        baseUrl: silent.baseUrl,
        env: {},
        timeoutMs: ATTEMPT_MS,
        maxRetries: 1,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 1,
      });
      const error = await fml.cases.create(validCreate, { idempotencyKey: 'hubspot-1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FmlTimeoutError);
      expect(silent.calls()).toBe(2);
      await silent.allClosed();
    });
  }

  it('createFmlFetch (as openapi-fetch uses it): the same, with no signal from the caller', async () => {
    const silent = await silentServer('no-answer');
    servers.push(silent.server);
    const fmlFetch = createFmlFetch({
      clientId: 'pk',
      clientSecret: 'sk',
      baseUrl: silent.baseUrl,
      env: {},
      timeoutMs: ATTEMPT_MS,
      maxRetries: 0,
    });
    const error = await fmlFetch(`${silent.baseUrl}/v1/cases/CS-1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlTimeoutError);
    expect(silent.calls()).toBe(1);
    await silent.allClosed();
  });

  // Attempts that start together share one time limit (src/internal/engine/attempt-timer.ts): when it fires, it
  // must cut off every one still waiting and free each socket, and leave alone the ones already answered.
  it('calls started together: each silent one times out and frees its socket, the answered one is untouched', async () => {
    const silent = await silentServer('no-answer');
    servers.push(silent.server);
    const fml = new FmlClient({
      clientId: 'pk',
      clientSecret: 'sk',
      baseUrl: silent.baseUrl,
      env: {},
      timeoutMs: ATTEMPT_MS,
      maxRetries: 0,
    });
    const outcomes = await Promise.all([
      fml.cases.get('CS-FAST'),
      ...Array.from({ length: 6 }, (_, i) =>
        fml.cases.create(validCreate, { idempotencyKey: `hubspot-${i}` }).catch((e: unknown) => e),
      ),
    ]);
    expect(outcomes[0]).toMatchObject({ caseId: caseBody().caseId });
    for (const error of outcomes.slice(1)) expect(error).toBeInstanceOf(FmlTimeoutError);
    expect(silent.calls()).toBe(6);
    await silent.allClosed();
  });
});
