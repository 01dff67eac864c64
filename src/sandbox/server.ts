import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SandboxCore } from './core';
import type { FaultRule } from './faults';
import { newRequestId } from './ids';
import { apiError, BodyTooLargeError, readBody, type SandboxRequest, type SandboxResponse } from './http-io';
import { handleAdmin } from './routes/admin';
import { handleApi } from './routes/api';

const isAdminPath = (path: string): boolean => path === '/_sandbox' || path.startsWith('/_sandbox/');

// An RST (not a FIN) is what a crashed server or a middlebox drop looks like: the client sees ECONNRESET.
const dropConnection = (socket: Socket): void => {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
};

/** An HTTP server over a {@link SandboxCore}: request ids, faults, routing, logging. */
export class SandboxServer {
  readonly #server: Server;
  /** Pending fault delays, each with the function that ends it early (answering false). */
  readonly #delays = new Map<NodeJS.Timeout, (completed: boolean) => void>();
  #closing: Promise<void> | undefined;

  constructor(private readonly core: SandboxCore) {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => dropConnection(req.socket));
    });
  }

  /** Listens and returns the base URL. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        const actualPort = typeof address === 'object' && address ? address.port : port;
        const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
        resolve(`http://${shown.includes(':') ? `[${shown}]` : shown}:${actualPort}`);
      });
    });
  }

  /**
   * Stops listening and cuts open connections (keep-alive ones included). Requests stalled by a delay
   * fault end at once (logged with status 0, their connection dropped), so nothing is left pending: no
   * timer, no unsettled handler. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      const stalled = [...this.#delays];
      this.#delays.clear();
      for (const [timer, end] of stalled) {
        clearTimeout(timer);
        end(false);
      }
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const fault = isAdminPath(url.pathname) ? undefined : this.core.faults.take(method, url.pathname);
    const log = (status: number) =>
      this.core.options.onRequest?.({ method, path: url.pathname, status, requestId, durationMs: Math.round(performance.now() - started), ...(fault ? { fault: fault.kind } : {}) });

    let body: Buffer;
    try {
      body = await readBody(req, this.core.options.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) return void dropConnection(req.socket);
      const response = apiError(413, 'payload_too_large', err.message, { connection: 'close' });
      return void this.#write(res, requestId, response, undefined, log);
    }
    if (fault?.kind === 'reset') {
      log(0);
      return void dropConnection(req.socket);
    }
    const early = fault ? this.#faultResponse(fault) : undefined;
    if (early) return void this.#write(res, requestId, early, undefined, log);
    if (fault?.kind === 'delay' && !(await this.#sleep(fault.delayMs ?? 0))) {
      log(0);
      return void dropConnection(req.socket);
    }

    const request: SandboxRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body };
    let response: SandboxResponse;
    try {
      response = isAdminPath(url.pathname) ? handleAdmin(this.core, request) : handleApi(this.core, request);
    } catch {
      response = apiError(500, 'internal_error', 'The sandbox failed on this request (a bug: please report it).');
    }
    this.#write(res, requestId, response, fault, log);
  }

  #faultResponse(fault: FaultRule): SandboxResponse | undefined {
    if (fault.kind === 'status') return apiError(fault.status ?? 503, 'server_error', `Sandbox fault: injected ${fault.status ?? 503}.`);
    if (fault.kind === 'rate-limit') {
      const seconds = fault.retryAfterSeconds ?? 1;
      return apiError(429, 'rate_limited', `Sandbox fault: injected 429; retry after ${seconds} s.`, { 'retry-after': String(seconds) });
    }
    return undefined;
  }

  /** Resolves true after `ms`, or false as soon as the sandbox closes (close() settles it). */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#closing) return resolve(false);
      const timer = setTimeout(() => {
        this.#delays.delete(timer);
        resolve(!this.#closing);
      }, ms);
      this.#delays.set(timer, resolve);
    });
  }

  #write(res: ServerResponse, requestId: string, response: SandboxResponse, fault: FaultRule | undefined, log: (status: number) => void): void {
    if (fault?.kind === 'lose-response') {
      // The work is done (and saved); only the answer is lost.
      log(0);
      if (res.socket) dropConnection(res.socket);
      return;
    }
    const bytes = Buffer.from(response.body, 'utf8');
    res.writeHead(response.status, { ...response.headers, 'x-request-id': requestId, 'content-length': String(bytes.length) });
    log(response.status);
    if (fault?.kind === 'truncate') {
      // Content-Length promises the whole body, so the client notices the cut instead of parsing half.
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
        if (res.socket) dropConnection(res.socket);
      });
      return;
    }
    res.end(bytes);
  }
}
