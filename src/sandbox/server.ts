import type { SandboxCore } from './core';
import type { FaultRule } from './faults';
import { newRequestId } from './ids';
import { apiError, type SandboxRequest, type SandboxResponse } from './http-io';
import { handleAdmin } from './routes/admin';
import { handleApi } from './routes/api';
import { dropConnection, HttpShell, send, sendHalf, type ShellExchange } from './shell/http-shell';

const isAdminPath = (path: string): boolean => path === '/_sandbox' || path.startsWith('/_sandbox/');

/** FML's API over a {@link SandboxCore}, on the sandbox's HTTP shell: request ids, faults, routing, logging. */
export class SandboxServer {
  readonly #shell: HttpShell;

  constructor(private readonly core: SandboxCore) {
    this.#shell = new HttpShell({
      maxBodyBytes: core.options.maxBodyBytes,
      tooLarge: (method, url, limit, started) => {
        const requestId = newRequestId();
        this.#log(method, url.pathname, started, requestId, 413);
        return apiError(413, 'payload_too_large', `Request body exceeds ${limit} bytes.`, {
          'x-request-id': requestId,
        });
      },
      handle: (exchange) => this.#handle(exchange),
    });
  }

  /** Listens and returns the base URL. */
  listen(port: number, host: string): Promise<string> {
    return this.#shell.listen(port, host);
  }

  /**
   * Stops listening and cuts open connections (keep-alive ones included). Requests stalled by a delay
   * fault end at once (logged with status 0, their connection dropped), so nothing is left pending: no
   * timer, no unsettled handler. Safe to call twice.
   */
  close(): Promise<void> {
    return this.#shell.close();
  }

  #log(method: string, path: string, started: number, requestId: string, status: number, fault?: FaultRule): void {
    this.core.options.onRequest?.({
      method,
      path,
      status,
      requestId,
      durationMs: Math.round(performance.now() - started),
      ...(fault ? { fault: fault.kind } : {}),
    });
  }

  async #handle({ method, url, req, res, body, started }: ShellExchange): Promise<void> {
    const requestId = newRequestId();
    const path = url.pathname;
    const fault = isAdminPath(path) ? undefined : this.core.faults.take(method, path);
    const log = (status: number) => this.#log(method, path, started, requestId, status, fault);

    if (fault?.kind === 'reset') {
      log(0);
      return dropConnection(req.socket);
    }
    const early = fault ? faultAnswer(fault) : undefined;
    if (early) return this.#write(res, requestId, early, undefined, log);
    // The wait ends only when the sandbox closes: a request whose client gave up is still handled.
    if (fault?.kind === 'delay' && !(await this.#shell.wait(fault.delayMs ?? 0))) {
      log(0);
      return dropConnection(req.socket);
    }

    const request: SandboxRequest = { method, path, query: url.searchParams, headers: req.headers, body };
    let response: SandboxResponse;
    try {
      response = isAdminPath(path) ? handleAdmin(this.core, request) : handleApi(this.core, request);
    } catch {
      response = apiError(500, 'internal_error', 'The sandbox failed on this request (a bug: please report it).');
    }
    this.#write(res, requestId, response, fault, log);
  }

  #write(
    res: ShellExchange['res'],
    requestId: string,
    response: SandboxResponse,
    fault: FaultRule | undefined,
    log: (status: number) => void,
  ): void {
    if (fault?.kind === 'lose-response') {
      // The work is done (and saved); only the answer is lost.
      log(0);
      return void dropConnection(res.socket);
    }
    const answer = { ...response, headers: { ...response.headers, 'x-request-id': requestId } };
    log(response.status);
    if (fault?.kind === 'truncate') sendHalf(res, answer);
    else send(res, answer);
  }
}

/** The answer a `status` or `rate-limit` fault gives instead of handling the request. */
function faultAnswer(fault: FaultRule): SandboxResponse | undefined {
  if (fault.kind === 'status')
    return apiError(fault.status ?? 503, 'server_error', `Sandbox fault: injected ${fault.status ?? 503}.`);
  if (fault.kind === 'rate-limit') {
    const seconds = fault.retryAfterSeconds ?? 1;
    return apiError(429, 'rate_limited', `Sandbox fault: injected 429; retry after ${seconds} s.`, {
      'retry-after': String(seconds),
    });
  }
  return undefined;
}
