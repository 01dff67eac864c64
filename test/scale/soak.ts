// The fault soak, shared by `test/scale/soak.test.ts` (short) and `scripts/soak.mjs` (`npm run soak`, full).
//
// Creates go through the SDK (several FmlClients sharing one token store) against the sandbox while
// ~`faultRate` of API requests are faulted at the HTTP level: resets before the server commits, lost
// responses after it commits, bodies cut mid-way, 500/502/503, 429 + Retry-After, responses slower than
// the client's timeout, and faults on the token endpoint (tokens are revoked a few times to force mints).
// Every case the sandbox makes is delivered as webhooks to a receiver of several replicas that
// de-duplicate together, with faults of their own (dropped connections, failing handlers, answers lost
// after the work was done, answers slower than the sender's timeout) plus manual redeliveries.
// Then both sides are reconciled and counted.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryTokenStore, type TokenStore } from '../../src/internal/auth/token-store';
import { FmlClient } from '../../src/client';
import { FmlError } from '../../src/errors';
import { idempotencyKey } from '../../src/idempotency';
import { RedisTokenStore, createRedisEventDeduper } from '../../src/redis/index';
import { type FaultSpec, type RequestLogEntry, type Sandbox, startSandbox } from '../../src/sandbox/index';
import type { CreateCaseRequest } from '../../src/types';
import { type EventDeduper, createEventDeduper } from '../../src/webhooks/dedupe';
import { createNodeWebhookHandler } from '../../src/webhooks/index';
import { seededRandom } from '../../scripts/seeded-random.mjs';

export interface SoakOptions {
  /** Creates to run. */
  creates: number;
  /** Creates in flight at once. @default 32 */
  concurrency?: number;
  /** Share of API requests (and of webhook deliveries) that are faulted. @default 0.2 */
  faultRate?: number;
  /** FmlClients sharing the token store (stand-ins for processes). @default 4 */
  clients?: number;
  /** Receiver replicas behind the one webhook URL. @default 3 */
  replicas?: number;
  /** Share of events redelivered by hand (duplicates on top of retries). @default 0.3 */
  redeliveryRate?: number;
  /** A Redis for the shared token store and the replicas' de-duplication; without one, in-memory and one replica. */
  redis?: { url: string; connect(url: string): Promise<{ client: unknown; close(): Promise<void> }> };
  /** Seed for the fault dice, to replay a run. @default random */
  seed?: number;
}

export interface CreateSoakResult {
  calls: number;
  succeeded: number;
  /** Calls that ended in an FmlError subclass (then reconciled). */
  typedErrors: number;
  errorCodes: Record<string, number>;
  /** Calls that ended in anything else: must be 0. */
  untypedErrors: number;
  requests: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  tokenMints: number;
  casesInSandbox: number;
  /** Cases sharing one call's identity: must be 0. */
  duplicates: number;
  /** Failed calls whose case had been committed anyway; the retry with the same key returned it. */
  committedThenFailed: number;
  /** Retries with the same key that did not return the call's case: must be 0. */
  replayMismatches: number;
  /** Cases in the sandbox no caller ended up with, after reconciling: must be 0. */
  lost: number;
  durationMs: number;
}

export interface WebhookSoakResult {
  events: number;
  /** HTTP deliveries the receiver got (first tries, retries and manual redeliveries). */
  deliveries: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  redeliveredByHand: number;
  /** Events applied more than once: must be 0. */
  appliedTwice: number;
  /** Events never applied, after reconciling: must be 0. */
  notApplied: number;
  /** Events that needed a redelivery after the sandbox gave up retrying. */
  reconciled: number;
  durationMs: number;
}

export interface SoakResult {
  seed: number;
  creates: CreateSoakResult;
  webhooks: WebhookSoakResult;
  unhandledRejections: number;
}

const tally = (into: Record<string, number>, key: string) => {
  into[key] = (into[key] ?? 0) + 1;
};

const TOKEN_PATH = '/v1/oauth/token';

/** Client settings: small retry waits, a short timeout that the `delay` faults outlast. */
const TIMEOUT_MS = 1000;
const SLOW_MS = 1200;
/** The sandbox's webhook timeout, and how long a `slow` receiver fault stalls (past it). */
const HOOK_TIMEOUT_MS = 2500;
const HOOK_SLOW_MS = 2600;

/** An API fault, weighted the way networks and servers fail. */
function pickApiFault(random: () => number, pendingTokenFaults: number): FaultSpec {
  const create = { method: 'POST', path: '/v1/cases' } as const;
  const token = { method: 'POST', path: TOKEN_PATH } as const;
  // Token faults wait for the next mint; more than two queued would fail one mint outright every time.
  const roll = pendingTokenFaults >= 2 ? random() * 0.86 : random();
  if (roll < 0.14) return { ...create, kind: 'reset' };
  if (roll < 0.28) return { ...create, kind: 'lose-response' };
  if (roll < 0.38) return { ...create, kind: 'truncate' };
  if (roll < 0.6) return { ...create, kind: 'status', status: [500, 502, 503][Math.floor(random() * 3)]! };
  if (roll < 0.72) return { ...create, kind: 'rate-limit', retryAfterSeconds: 1 };
  if (roll < 0.8) return { ...create, kind: 'delay', delayMs: SLOW_MS };
  if (roll < 0.86) return { ...create, kind: 'delay', delayMs: 30 }; // slow, but inside the timeout
  // Token endpoint: these wait for the next mint (tokens are revoked a few times during the run).
  const t = random();
  if (t < 0.4) return { ...token, kind: 'status', status: 503 };
  if (t < 0.7) return { ...token, kind: 'reset' };
  return { ...token, kind: 'rate-limit', retryAfterSeconds: 1 };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed); // a failing run replays from its seed
  const faultRate = options.faultRate ?? 0.2;
  let unhandledRejections = 0;
  const onUnhandled = () => void unhandledRejections++;
  process.on('unhandledRejection', onUnhandled);

  const connections: Array<{ close(): Promise<void> }> = [];
  const requestLog: RequestLogEntry[] = [];
  let scheduling = true;
  let sb: Sandbox | undefined;
  const receiver = createServer();
  try {
    sb = await startSandbox({
      // FML's 120/minute would stretch 2,000 creates over 17 minutes; the soak is about faults. The token
      // endpoint keeps its real limit (30/minute): the shared store must stay far inside it.
      rateLimit: false,
      webhookRetryDelaysMs: [25, 50, 100, 200, 400, 800, 1600, 3200],
      webhookTimeoutMs: HOOK_TIMEOUT_MS,
      onRequest: (entry) => {
        requestLog.push(entry);
        // After each answered request, maybe arm a one-shot fault for a coming one: ≈ faultRate of all.
        if (scheduling && random() < faultRate)
          sb?.faults.add(pickApiFault(random, sb.faults.list().filter((f) => f.path === TOKEN_PATH).length));
      },
    });
    const webhooks = await startWebhookSide(sb, receiver, options, random, faultRate, connections);
    const creates = await runCreates(sb, options, random, connections, requestLog, () => (scheduling = false));
    const webhookResult = await webhooks.finish();
    return { seed, creates, webhooks: webhookResult, unhandledRejections };
  } finally {
    scheduling = false;
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await sb?.close();
    await Promise.all(connections.map((c) => c.close()));
    process.off('unhandledRejection', onUnhandled);
  }
}

async function runCreates(
  sb: Sandbox,
  options: SoakOptions,
  random: () => number,
  connections: Array<{ close(): Promise<void> }>,
  requestLog: RequestLogEntry[],
  stopFaults: () => void,
): Promise<CreateSoakResult> {
  const started = Date.now();
  const clientCount = options.clients ?? 4;
  const stores: TokenStore[] = [];
  const prefix = `soak-${Date.now()}:`;
  for (let i = 0; i < clientCount; i++) {
    if (options.redis) {
      const conn = await options.redis.connect(options.redis.url);
      connections.push(conn);
      stores.push(new RedisTokenStore(conn.client as never, { prefix, pollIntervalMs: 5 }));
    }
  }
  // Without Redis, one in-memory store stands in for the shared one.
  const shared = stores[0] ?? new MemoryTokenStore();
  const clients = Array.from(
    { length: clientCount },
    (_, i) =>
      new FmlClient({
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        baseUrl: sb.url,
        tokenStore: stores[i] ?? shared,
        // The soak's sandbox has no rate limit and sends thousands of requests: pacing would only slow it.
        rateLimit: false,
        timeoutMs: TIMEOUT_MS,
        maxRetries: 6,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 40,
        maxRetryAfterMs: 20,
        // Every call ends, whatever happens: FmlTimeoutError at worst.
        deadlineMs: 15_000,
      }),
  );

  interface Call {
    body: CreateCaseRequest;
    key: string;
    caseId?: string;
    error?: unknown;
  }
  const calls: Call[] = Array.from({ length: options.creates }, (_, i) => {
    // Half carry a crmRecordId (two layers of protection), half only an Idempotency-Key.
    const withCrm = i % 2 === 0;
    const body: CreateCaseRequest = {
      customerEmail: `soak-${i}@example.com`,
      companyName: `Soak ${i} Ltd`,
      country: 'United Kingdom',
      sendInvite: true,
      ...(withCrm ? { crmRecordId: `soak-${i}`, crmSource: 'hubspot' } : {}),
    };
    return { body, key: withCrm ? idempotencyKey.forCrmRecord('hubspot', `soak-${i}`) : idempotencyKey.random() };
  });

  // Revoke every token a few times mid-run, so mints happen (and meet the token-endpoint faults).
  const revokeAt = new Set([0.25, 0.5, 0.75].map((f) => Math.floor(options.creates * f)));
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 32 }, async () => {
      while (next < calls.length) {
        const i = next++;
        if (revokeAt.has(i)) sb.expireTokens();
        const call = calls[i]!;
        const client = clients[Math.floor(random() * clients.length)]!;
        try {
          call.caseId = (await client.cases.create(call.body, { idempotencyKey: call.key })).case.caseId;
        } catch (error) {
          call.error = error;
        }
      }
    }),
  );
  stopFaults();
  sb.faults.clear();
  const faultedDuringRun = requestLog.filter((e) => e.fault).length;
  const faultsByKind: Record<string, number> = {};
  for (const e of requestLog)
    if (e.fault) tally(faultsByKind, `${e.fault}${e.path === '/v1/oauth/token' ? ' (token)' : ''}`);
  const requestsDuringRun = requestLog.length;

  const failed = calls.filter((c) => c.error !== undefined);
  const errorCodes: Record<string, number> = {};
  for (const c of failed)
    tally(errorCodes, c.error instanceof FmlError ? c.error.code : `untyped:${(c.error as Error)?.name}`);

  // Reconcile, as a caller would later: retry each failed call with its key, and re-ask a sample of the
  // successful ones; every answer must be the same case as before (or as the sandbox holds).
  const identity = (body: CreateCaseRequest) => body.customerEmail;
  const before = new Map<string, string[]>();
  for (const c of sb.cases) before.set(c.customerEmail ?? '', [...(before.get(c.customerEmail ?? '') ?? []), c.caseId]);
  let committedThenFailed = 0;
  let replayMismatches = 0;
  const reconciler = clients[0]!;
  for (const c of failed) {
    const existing = before.get(identity(c.body))?.[0];
    if (existing) committedThenFailed++;
    const again = (await reconciler.cases.create(c.body, { idempotencyKey: c.key })).case.caseId;
    if (existing && again !== existing) replayMismatches++;
    c.caseId = again;
  }
  const sample = calls.filter((c) => c.error === undefined).filter((_, i) => i % 10 === 0);
  for (const c of sample) {
    const again = (await reconciler.cases.create(c.body, { idempotencyKey: c.key })).case.caseId;
    if (again !== c.caseId) replayMismatches++;
  }

  const cases = sb.cases;
  const perIdentity = new Map<string, number>();
  for (const c of cases) perIdentity.set(c.customerEmail ?? '', (perIdentity.get(c.customerEmail ?? '') ?? 0) + 1);
  const duplicates = [...perIdentity.values()].reduce((n, count) => n + (count - 1), 0);
  const handedOut = new Set(calls.map((c) => c.caseId));
  const lost = cases.filter((c) => !handedOut.has(c.caseId)).length;

  return {
    calls: calls.length,
    succeeded: calls.length - failed.length,
    typedErrors: failed.filter((c) => c.error instanceof FmlError).length,
    errorCodes,
    untypedErrors: failed.filter((c) => !(c.error instanceof FmlError)).length,
    requests: requestsDuringRun,
    faultsInjected: faultedDuringRun,
    faultsByKind,
    tokenMints: requestLog.filter((e) => e.path === '/v1/oauth/token' && e.status === 200).length,
    casesInSandbox: cases.length,
    duplicates,
    committedThenFailed,
    replayMismatches,
    lost,
    durationMs: Date.now() - started,
  };
}

type ReceiverFault = 'drop-before' | 'handler-fails' | 'drop-after' | 'slow';

/** Starts the receiver (replicas behind one URL, with faults) and registers it; `finish` waits, reconciles and counts. */
async function startWebhookSide(
  sb: Sandbox,
  server: ReturnType<typeof createServer>,
  options: SoakOptions,
  random: () => number,
  faultRate: number,
  connections: Array<{ close(): Promise<void> }>,
) {
  const started = Date.now();
  const applied = new Map<string, number>();
  const faultsByKind: Record<string, number> = {};
  let deliveries = 0;
  let faulting = true;
  const currentFault = new AsyncLocalStorage<ReceiverFault | undefined>();

  const replicaCount = options.redis ? (options.replicas ?? 3) : 1;
  const dedupers: EventDeduper[] = [];
  const prefix = `soak-hooks-${Date.now()}:`;
  for (let i = 0; i < replicaCount; i++) {
    if (options.redis) {
      const conn = await options.redis.connect(options.redis.url);
      connections.push(conn);
      dedupers.push(createRedisEventDeduper(conn.client as never, { prefix, leaseMs: 10_000 }));
    } else {
      dedupers.push(createEventDeduper());
    }
  }
  const replicas = dedupers.map((dedupe) =>
    createNodeWebhookHandler({
      secret: sb.webhookSecret,
      dedupe,
      onError: () => undefined,
      onEvent: async (event) => {
        if (currentFault.getStore() === 'handler-fails') throw new Error('injected: the handler failed');
        applied.set(event.eventId, (applied.get(event.eventId) ?? 0) + 1);
      },
    }),
  );

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    deliveries++;
    const fault: ReceiverFault | undefined =
      faulting && random() < faultRate
        ? (['drop-before', 'handler-fails', 'drop-after', 'slow'] as const)[Math.floor(random() * 4)]
        : undefined;
    if (fault) tally(faultsByKind, fault);
    const replica = replicas[Math.floor(random() * replicas.length)]!;
    if (fault === 'drop-before') return void req.socket.destroy();
    // The work is done, but the answer never reaches FML: it retries an event already applied.
    const target =
      fault === 'drop-after'
        ? {
            statusCode: 200,
            setHeader: () => undefined,
            end: (_: string, cb?: () => void) => {
              req.socket.destroy();
              cb?.();
            },
          }
        : res;
    const run = () => currentFault.run(fault, () => replica(req, target));
    if (fault !== 'slow') return void run();
    // Slower than the sender's timeout: it gives up and retries while this one is still working. The body
    // is read first (as Express's raw parser would), so the late work really happens.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      (req as IncomingMessage & { body?: Buffer }).body = Buffer.concat(chunks);
      setTimeout(run, HOOK_SLOW_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // One event per case (case.created), so N creates make N events: retries and redeliveries multiply them.
  sb.addWebhookEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fml-webhooks`, {
    events: ['case.created'],
  });

  return {
    async finish(): Promise<WebhookSoakResult> {
      const events = sb.events.filter((e) => e.event === 'case.created');
      // Manual redeliveries on top of the retries: duplicates by another road.
      // Paced, as people click: a few hundred in one tick would just be a self-made outage.
      let redeliveredByHand = 0;
      for (const e of events) {
        if (random() < (options.redeliveryRate ?? 0.3)) {
          sb.redeliver(e.eventId);
          if (++redeliveredByHand % 10 === 0) await new Promise((r) => setTimeout(r, 5));
        }
      }
      await sb.waitForDeliveries({ timeoutMs: 60_000 });
      faulting = false;
      const faultsInjected = Object.values(faultsByKind).reduce((a, b) => a + b, 0);
      // Reconcile: an event whose deliveries all failed is redelivered by hand, as an operator would.
      let reconciled = 0;
      for (const e of events) {
        if (!applied.has(e.eventId)) {
          sb.redeliver(e.eventId);
          reconciled++;
        }
      }
      await sb.waitForDeliveries({ timeoutMs: 30_000 });
      // Let handlers still running past their delivery's timeout ("slow") finish before counting.
      await new Promise((r) => setTimeout(r, HOOK_SLOW_MS + 200));
      return {
        events: events.length,
        deliveries,
        faultsInjected,
        faultsByKind,
        redeliveredByHand,
        appliedTwice: [...applied.values()].filter((n) => n > 1).length,
        notApplied: events.filter((e) => !applied.has(e.eventId)).length,
        reconciled,
        durationMs: Date.now() - started,
      };
    },
  };
}
