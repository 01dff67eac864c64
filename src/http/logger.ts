/** Anything with console-like methods: `console`, pino, winston. Missing methods are skipped. */
export interface Logger {
  debug?(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
  warn?(message: string, details?: unknown): void;
  error?(message: string, details?: unknown): void;
}

/** `debug` shows every request and response line; `info` retries and token mints; `warn` and up, problems. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

export type LogFn = (level: Exclude<LogLevel, 'off'>, message: string, details?: unknown) => void;

/** A level-filtered log function. Details must already be redacted by the caller. */
export function createLog(logger: Logger | undefined, level: LogLevel): LogFn {
  if (!logger || level === 'off') return () => {};
  const min = RANK[level];
  return (at, message, details) => {
    if (RANK[at] < min) return;
    const fn = logger[at];
    if (typeof fn === 'function') fn.call(logger, message, details);
  };
}

/** The level from `FML_LOG` when it names one, else undefined. */
export function logLevelFromEnv(env: Record<string, string | undefined> | undefined): LogLevel | undefined {
  const v = env?.FML_LOG?.toLowerCase();
  return v && v in RANK ? (v as LogLevel) : undefined;
}
