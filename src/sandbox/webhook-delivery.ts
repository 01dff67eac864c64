import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signWebhookBody } from '../webhooks/sign';
import { newShortId } from './ids';
import type { DeliveryLogEntry } from './options';
import type { SandboxEvent } from './types';

/** One try at delivering an event to an endpoint. */
export interface DeliveryAttempt {
  /** 1 for the first try. */
  attempt: number;
  /** When the attempt started (sandbox clock). */
  at: string;
  /** The receiver's HTTP status, or null when there was no answer. */
  status: number | null;
  /** Why there was no answer (`ECONNREFUSED`, `timeout after 5000 ms`, …), or null. */
  error: string | null;
  durationMs: number;
}

/** An event on its way to one endpoint, with every attempt so far. */
export interface Delivery {
  id: string;
  eventId: string;
  event: string;
  endpointId: string;
  url: string;
  /** `pending` until a 2xx (`delivered`) or until the retry schedule runs out (`failed`). */
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  /** When the next retry is due, while pending and waiting. */
  nextAttemptAt: string | null;
}

/** Where to deliver, and the secret to sign with. */
export interface DeliveryTarget {
  id: string;
  url: string;
  secret: string;
}

export interface DelivererOptions {
  retryDelaysMs: number[];
  timeoutMs: number;
  now: () => number;
  /** Told about every finished attempt (the sandbox's `onDelivery` option). */
  onAttempt?: ((entry: DeliveryLogEntry) => void) | undefined;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const copy = (d: Delivery): Delivery => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) });

/**
 * Delivers events like FML does: POST of the flat JSON, signed with `X-FML-Signature`, retried on
 * anything but a 2xx, with the same body (and so the same `eventId`) on every attempt. Redirects are not
 * followed. Unlike FML, loopback and private destinations are allowed — the sandbox is local.
 */
export class WebhookDeliverer {
  readonly #deliveries: Delivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<ClientRequest>();
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(private readonly options: DelivererOptions) {}

  /** Starts delivering `event` to `target`; returns the delivery record (live, for internal use). */
  deliver(target: DeliveryTarget, event: SandboxEvent): Delivery {
    // Serialise once: every retry sends exactly these bytes, so the signature and eventId never change.
    const body = JSON.stringify(event);
    const delivery: Delivery = {
      id: newShortId('dlv'),
      eventId: event.eventId,
      event: event.event,
      endpointId: target.id,
      url: target.url,
      state: 'pending',
      attempts: [],
      nextAttemptAt: null,
    };
    this.#deliveries.push(delivery);
    void this.#attempt(delivery, body, signWebhookBody(body, target.secret));
    return delivery;
  }

  /** Every delivery so far, oldest first (copies). */
  list(): Delivery[] {
    return this.#deliveries.map(copy);
  }

  get pendingCount(): number {
    return this.#deliveries.filter((d) => d.state === 'pending').length;
  }

  /** Resolves once no delivery is pending; rejects after `timeoutMs` or when the sandbox closes. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(
            new Error(
              `waitForDeliveries: ${this.pendingCount} webhook deliveries still pending after ${timeoutMs} ms (see sb.deliveries).`,
            ),
          );
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Forgets the log and cancels every pending delivery (used by `reset()`). */
  clear(): void {
    this.#cancelAll();
    for (const d of this.#deliveries) if (d.state === 'pending') d.state = 'failed';
    this.#deliveries.length = 0;
    this.#settleWaiters();
  }

  close(): void {
    this.#closed = true;
    this.#cancelAll();
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('waitForDeliveries: the sandbox was closed while deliveries were pending.'));
    }
    this.#waiters = [];
  }

  #cancelAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const r of this.#inFlight) r.destroy();
    this.#inFlight.clear();
  }

  async #attempt(delivery: Delivery, body: string, signature: string): Promise<void> {
    const attempt: DeliveryAttempt = {
      attempt: delivery.attempts.length + 1,
      at: new Date(this.options.now()).toISOString(),
      status: null,
      error: null,
      durationMs: 0,
    };
    delivery.nextAttemptAt = null;
    const started = performance.now();
    const outcome = await this.#post(delivery.url, body, signature);
    if (this.#closed || !this.#deliveries.includes(delivery)) return;
    attempt.durationMs = Math.round(performance.now() - started);
    attempt.status = outcome.status ?? null;
    attempt.error = outcome.error ?? null;
    delivery.attempts.push(attempt);
    if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
      delivery.state = 'delivered';
    } else {
      const delay = this.options.retryDelaysMs[attempt.attempt - 1];
      if (delay === undefined) {
        delivery.state = 'failed';
      } else {
        delivery.nextAttemptAt = new Date(this.options.now() + delay).toISOString();
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          void this.#attempt(delivery, body, signature);
        }, delay);
        this.#timers.add(timer);
      }
    }
    const next = delivery.state === 'pending' ? 'retrying' : delivery.state;
    const { attempt: n, status, error, durationMs } = attempt;
    this.options.onAttempt?.({
      deliveryId: delivery.id,
      event: delivery.event,
      eventId: delivery.eventId,
      url: delivery.url,
      attempt: n,
      status,
      error,
      durationMs,
      outcome: next,
      nextAttemptAt: delivery.nextAttemptAt,
    });
    this.#settleWaiters();
  }

  #settleWaiters(): void {
    if (this.pendingCount > 0) return;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.#waiters = [];
  }

  /** One POST over a fresh connection (no keep-alive pool to outlive the receiver). */
  #post(url: string, body: string, signature: string): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'fml-sandbox',
        'x-fml-signature': signature,
      };
      let req: ClientRequest;
      try {
        req = send(url, { method: 'POST', headers, agent: false });
      } catch (err) {
        resolve({ error: (err as Error).message });
        return;
      }
      this.#inFlight.add(req);
      // A limit on the whole attempt (connect, send, answer), not just on socket idleness.
      const timeoutError = `timeout after ${this.options.timeoutMs} ms`;
      const timer = setTimeout(() => req.destroy(new Error(timeoutError)), this.options.timeoutMs);
      const done = (result: { status?: number; error?: string }) => {
        clearTimeout(timer);
        this.#inFlight.delete(req);
        resolve(result);
      };
      req.on('error', (err: NodeJS.ErrnoException) =>
        done({ error: err.message === timeoutError ? timeoutError : (err.code ?? err.message) }),
      );
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0 }));
        res.on('error', () => done({ status: res.statusCode ?? 0 }));
      });
      req.end(body);
    });
  }
}
