/** Anything with console-like methods: `console`, pino, winston. Missing methods are skipped. */
export interface Logger {
  /** Every request and response line (`details`: redacted headers and body). */
  debug?(message: string, details?: unknown): void;
  /** Retries and token mints. */
  info?(message: string, details?: unknown): void;
  /** A call that failed for good, a setting that looks wrong. */
  warn?(message: string, details?: unknown): void;
  /** A failure the SDK could not hand back to a caller (e.g. inside a background task). */
  error?(message: string, details?: unknown): void;
}

/** `debug` shows every request and response line; `info` retries and token mints; `warn` and up, problems. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

/**
 * A level-filtered log function. `details` may be a function, called only when the line is logged, so
 * the hot path never builds (and redacts) details nobody reads. Details must already be redacted.
 */
export type LogFn = ((level: Exclude<LogLevel, 'off'>, message: string, details?: unknown) => void) & {
  enabled(level: Exclude<LogLevel, 'off'>): boolean;
};

export function createLog(logger: Logger | undefined, level: LogLevel): LogFn {
  const min = logger ? RANK[level] : RANK.off;
  const enabled = (at: Exclude<LogLevel, 'off'>) => RANK[at] >= min;
  const log = (at: Exclude<LogLevel, 'off'>, message: string, details?: unknown) => {
    if (!enabled(at)) return;
    const fn = logger?.[at];
    if (typeof fn !== 'function') return;
    // Only pass details that exist, so `console` prints no trailing "undefined".
    if (details === undefined) fn.call(logger, message);
    else fn.call(logger, message, typeof details === 'function' ? (details as () => unknown)() : details);
  };
  return Object.assign(log, { enabled });
}

/**
 * The level from `FML_LOG` when it names one, else undefined. `FML_LOG` is optional, so a runtime that
 * refuses to read it (Deno without `--allow-env` throws `NotCapable`) reads as unset: a client given
 * its credentials in code then needs no environment access at all.
 */
export function logLevelFromEnv(env: Record<string, string | undefined> | undefined): LogLevel | undefined {
  let v: string | undefined;
  try {
    v = env?.FML_LOG?.toLowerCase();
  } catch {
    v = undefined;
  }
  return v && v in RANK ? (v as LogLevel) : undefined;
}
