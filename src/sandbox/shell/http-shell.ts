import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BodyTooLargeError, readBody } from '../http-io';

/**
 * The one HTTP shell the sandbox's servers stand on (FML's API, the fake HubSpot CRM, the fake HubSpot
 * automation API): it listens, reads each body under one size limit, hands the request to the server,
 * writes answers with an exact `Content-Length`, offers waits that closing cancels, and on close cuts
 * every connection and settles every wait, so no test process hangs on a delayed answer.
 */

/** A request with its body read (at most `maxBodyBytes`), as the shell hands it to a server. */
export interface ShellExchange {
  /** Upper-cased. */
  method: string;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  /** `performance.now()` when the request arrived, before its body was read. */
  started: number;
}

/** An answer to write: the shell adds `Content-Length`. */
export interface ShellAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpShellOptions {
  /** The largest request body read; a larger one gets `tooLarge`'s answer and the connection closes. */
  maxBodyBytes: number;
  /** The server's own 413 answer (each speaks its API's error shape; servers that log requests log it here). */
  tooLarge(method: string, url: URL, limit: number, started: number): ShellAnswer;
  /** Handles one request; a throw drops the connection (the client sees ECONNRESET, never a hang). */
  handle(exchange: ShellExchange): Promise<void> | void;
}

/** Drops a connection with an RST (not a FIN): what a crashed server or a middlebox drop looks like. */
export function dropConnection(socket: Socket | null | undefined): void {
  if (!socket) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

const encode = (answer: ShellAnswer): Buffer => Buffer.from(answer.body ?? '', 'utf8');

/** Writes an answer whole. */
export function send(res: ServerResponse, answer: ShellAnswer): void {
  const bytes = encode(answer);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

/**
 * Writes the status, the headers and half the body, then drops the connection. `Content-Length`
 * promises the whole body, so the client notices the cut instead of parsing half.
 */
export function sendHalf(res: ServerResponse, answer: ShellAnswer): void {
  const bytes = encode(answer);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => dropConnection(res.socket));
}

/** The URL a client reaches a server bound to `host:port` at (a wildcard bind is reached on loopback). */
export function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export class HttpShell {
  readonly #server: Server;
  readonly #options: HttpShellOptions;
  /** Pending waits, each with the function that ends it early (answering false). */
  readonly #waits = new Map<NodeJS.Timeout, () => void>();
  readonly #closing = new AbortController();
  #closed: Promise<void> | undefined;

  constructor(options: HttpShellOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => dropConnection(req.socket));
    });
  }

  /** Aborted when the shell closes: pass it to outgoing calls a handler makes, so they end too. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Listens and returns the base URL. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        resolve(baseUrl(host, typeof address === 'object' && address ? address.port : port));
      });
    });
  }

  /**
   * Resolves true after `ms`; false at once when the shell closes, or (given `res`) when that
   * request's client goes away first. One timer, cleared whichever way the wait ends.
   */
  wait(ms: number, res?: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#closing.signal.aborted || res?.destroyed) return resolve(false);
      const end = (completed: boolean) => {
        clearTimeout(timer);
        this.#waits.delete(timer);
        res?.off('close', gone);
        resolve(completed && !this.#closing.signal.aborted);
      };
      const gone = () => end(false);
      const timer = setTimeout(() => end(true), ms);
      this.#waits.set(timer, gone);
      res?.once('close', gone);
    });
  }

  /**
   * Stops listening and cuts open connections (keep-alive ones included); every pending wait ends at
   * once (answering false), and `closing` aborts. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#closing.abort();
      for (const end of [...this.#waits.values()]) end();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    let body: Buffer;
    try {
      body = await readBody(req, this.#options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) return dropConnection(req.socket);
      const answer = this.#options.tooLarge(method, url, this.#options.maxBodyBytes, started);
      // Closed after the answer: the rest of the upload is not read.
      send(res, { ...answer, headers: { ...answer.headers, connection: 'close' } });
      return;
    }
    await this.#options.handle({ method, url, req, res, body, started });
  }
}
