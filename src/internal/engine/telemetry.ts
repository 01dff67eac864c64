// OpenTelemetry, when the application uses it: `@opentelemetry/api` is an optional peer dependency, never
// imported statically. Until something registers OpenTelemetry in the process (its API keeps its state on
// a global symbol), `telemetry()` is one property read and the engine makes no span. The paste-ready
// HubSpot files are built with ./telemetry-off.ts instead, so they carry no loader at all.
import { FmlError } from '../../errors';
import { VERSION } from '../../version';

/** The part of `@opentelemetry/api` used here (typed locally: the package is optional). */
interface OtelApi {
  trace: { getTracer(name: string, version?: string): Tracer; setSpan(context: unknown, span: Span): unknown };
  context: { active(): unknown };
  propagation: { inject(context: unknown, carrier: Record<string, string>): void };
}
interface Tracer {
  startSpan(
    name: string,
    options: { kind: number; attributes: Record<string, string | number> },
    context?: unknown,
  ): Span;
}
interface Span {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  end(): void;
}

/** One call's span; each attempt is a child span of it. */
export interface CallSpan {
  /** A child span for one attempt; `inject` adds `traceparent` (and whatever the registered propagator adds). */
  attempt(resendCount: number): {
    inject(headers: Record<string, string>): Record<string, string>;
    end(status: number | undefined, error: unknown): void;
  };
  end(status: number | undefined, error: unknown, retries: number): void;
}

/** The API's registration slot (see @opentelemetry/api's global-utils): present once anything set OpenTelemetry up. */
const REGISTERED = Symbol.for('opentelemetry.js.api.1');
const CLIENT = 2; // SpanKind.CLIENT
const ERROR = 2; // SpanStatusCode.ERROR

let loaded: Promise<Telemetry | undefined> | undefined;

/** The tracer, once OpenTelemetry is registered in this process; undefined (at no cost) otherwise. */
export function telemetry(): Promise<Telemetry | undefined> | undefined {
  if (loaded) return loaded;
  if ((globalThis as Record<symbol, unknown>)[REGISTERED] === undefined) return undefined;
  loaded = loadApi().then((api) => (api ? new Telemetry(api) : undefined));
  return loaded;
}

async function loadApi(): Promise<OtelApi | undefined> {
  const name = '@opentelemetry/api';
  try {
    // `module.require` in CommonJS, `import()` in ESM; the name is a variable so bundlers leave it out.
    const cjs = typeof module === 'object' ? module : undefined;
    const api = (
      typeof cjs?.require === 'function' ? cjs.require(name) : await import(/* @vite-ignore */ name)
    ) as OtelApi & { default?: OtelApi };
    return api.trace ? api : api.default;
  } catch {
    return undefined; // registered by a copy we cannot load: no spans rather than a failed call
  }
}

/** What `error.type` says: the status for an HTTP error, the SDK's code for the rest. */
function errorType(status: number | undefined, error: unknown): string | undefined {
  if (error !== undefined) return error instanceof FmlError ? error.code : ((error as Error)?.name ?? 'Error');
  return status !== undefined && status >= 400 ? String(status) : undefined;
}

class Telemetry {
  readonly #api: OtelApi;
  readonly #tracer: Tracer;

  constructor(api: OtelApi) {
    this.#api = api;
    this.#tracer = api.trace.getTracer('@firstmilelabs/cases', VERSION);
  }

  /** A client span following the HTTP semantic conventions; `url` is already free of secrets. */
  startCall(service: string, method: string, url: string): CallSpan {
    const api = this.#api;
    const parent = api.context.active();
    const attributes: Record<string, string | number> = {
      'http.request.method': method,
      'url.full': url,
      'fml.sdk.service': service,
    };
    try {
      const { hostname, port, protocol } = new URL(url);
      attributes['server.address'] = hostname;
      attributes['server.port'] = Number(port || (protocol === 'https:' ? 443 : 80));
    } catch {
      // not a URL fetch would send either
    }
    const span = this.#tracer.startSpan(method, { kind: CLIENT, attributes }, parent);
    const inCall = api.trace.setSpan(parent, span);
    return {
      attempt: (resendCount) => {
        const child = this.#tracer.startSpan(
          method,
          {
            kind: CLIENT,
            attributes: resendCount ? { ...attributes, 'http.request.resend_count': resendCount } : attributes,
          },
          inCall,
        );
        return {
          inject: (headers) => {
            api.propagation.inject(api.trace.setSpan(inCall, child), headers);
            if (headers.traceparent === undefined) {
              const { traceId, spanId, traceFlags } = child.spanContext();
              if (!/^0+$/.test(traceId))
                headers.traceparent = `00-${traceId}-${spanId}-${traceFlags & 1 ? '01' : '00'}`;
            }
            return headers;
          },
          end: (status, error) => close(child, status, error),
        };
      },
      end: (status, error, retries) => {
        span.setAttribute('fml.sdk.retry_count', retries);
        close(span, status, error);
      },
    };
  }
}

function close(span: Span, status: number | undefined, error: unknown): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const type = errorType(status, error);
  if (type) {
    span.setAttribute('error.type', type);
    span.setStatus({ code: ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
  }
  span.end();
}

export type { Telemetry };
