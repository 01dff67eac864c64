import type { LogFn } from './logger';

/** What every hook hears about one attempt. Holds no secret: the URL's credentials are masked, no header is given. */
export interface AttemptInfo {
  /** The service called: `"FML"` or `"HubSpot"`. */
  service: string;
  /** The HTTP method, upper-case. */
  method: string;
  /** The full URL, credentials in its query replaced by `***`. */
  url: string;
  /** 1 for the first attempt, 2 for the first retry (or the try after a token refresh), … */
  attempt: number;
  /** The server's `X-Request-Id`, once it answered with one. */
  requestId: string | undefined;
}

/**
 * Per-attempt observers, for metrics and tracing of your own: `hooks: { onResponse: (i) => histogram.record(i.durationMs) }`.
 * Called synchronously; a hook that throws (or rejects) is logged at `warn` and never fails the call.
 */
export interface EngineHooks {
  /** Before each attempt is sent. */
  onRequest?(info: AttemptInfo): void;
  /** After each attempt got an HTTP answer (any status), its body read. */
  onResponse?(info: AttemptInfo & { status: number; durationMs: number }): void;
  /** Before the wait that precedes a retry: `reason` is the status (`"503"`) or the error code (`"timeout"`). */
  onRetry?(info: AttemptInfo & { status: number | undefined; delayMs: number; reason: string }): void;
  /** After an attempt got no HTTP answer: a connection error or its timeout (`FmlConnectionError`, `FmlTimeoutError`). */
  onError?(info: AttemptInfo & { error: unknown; durationMs: number }): void;
}

/** Calls one hook, so that user code can never break (or leak into) the request it observes. */
export function notify<K extends keyof EngineHooks>(
  owner: { hooks: EngineHooks | undefined; log: LogFn },
  name: K,
  info: Parameters<NonNullable<EngineHooks[K]>>[0],
): void {
  const warn = (error: unknown) =>
    owner.log('warn', `the ${name} hook threw: ${error instanceof Error ? error.message : String(error)}`);
  try {
    const result = (owner.hooks?.[name] as ((i: typeof info) => unknown) | undefined)?.call(owner.hooks, info);
    if (result && typeof (result as Promise<unknown>).then === 'function')
      (result as Promise<unknown>).then(undefined, warn);
  } catch (error) {
    warn(error);
  }
}

/** `FmlConfigError` text when `hooks` is not an object of functions, else undefined. */
export function hooksProblem(hooks: unknown): string | undefined {
  if (hooks === undefined) return undefined;
  if (typeof hooks !== 'object' || hooks === null) return 'hooks must be an object of functions';
  for (const name of ['onRequest', 'onResponse', 'onRetry', 'onError'] as const) {
    const fn = (hooks as Record<string, unknown>)[name];
    if (fn !== undefined && typeof fn !== 'function') return `hooks.${name} must be a function`;
  }
  return undefined;
}
