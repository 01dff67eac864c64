import { minimalAbortController } from './abort-fallback';

/**
 * A controller that aborts when any of `signals` does, plus a `dispose` that detaches it again.
 * Hand-rolled rather than `AbortSignal.any` because Node 20.0–20.2 (still seen on some Lambdas) lacks it,
 * and because a long-lived caller signal must not collect one listener per request forever.
 */
export function linkSignals(signals: (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  abort: (reason: unknown) => void;
  dispose: () => void;
} {
  const controller = newAbortController();
  const listeners: [AbortSignal, () => void][] = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    listeners.push([s, onAbort]);
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const [s, l] of listeners) s.removeEventListener('abort', l);
    },
  };
}

/**
 * `new AbortController()`, or a minimal stand-in where the runtime has none (n8n's Code node: see
 * ./abort-fallback.ts).
 */
export function newAbortController(): AbortController {
  if (typeof AbortController === 'function') return new AbortController();
  return minimalAbortController();
}
