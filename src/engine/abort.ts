/**
 * A controller that aborts when any of `signals` does, plus a `dispose` that detaches it again.
 * Hand-rolled rather than `AbortSignal.any` because Node 20.0–20.2 (still seen on some Lambdas) lacks it,
 * and because a long-lived caller signal must not collect one listener per request forever.
 */
export function linkSignals(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; abort: (reason: unknown) => void; dispose: () => void } {
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
 * `new AbortController()`, or a minimal stand-in where the runtime has none. n8n's Code node runs code
 * in a bare `vm` context that offers no `AbortController` (nor `fetch`): the client must still work
 * there with a `fetch` it is given. The stand-in does what the SDK and a well-behaved `fetch` use of a
 * signal — `aborted`, `reason`, `throwIfAborted` and `abort` listeners — and nothing else.
 */
export function newAbortController(): AbortController {
  if (typeof AbortController === 'function') return new AbortController();
  return minimalAbortController();
}

function minimalAbortController(): AbortController {
  const listeners = new Set<EventListenerOrEventListenerObject>();
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    onabort: null as ((event: unknown) => void) | null,
    addEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
      if (type === 'abort' && listener) listeners.add(listener);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
      if (type === 'abort' && listener) listeners.delete(listener);
    },
    throwIfAborted() {
      if (signal.aborted) throw signal.reason;
    },
  };
  const abort = (reason?: unknown) => {
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason ?? new Error('This operation was aborted');
    const event = { type: 'abort', target: signal };
    signal.onabort?.(event);
    // Every listener here was added { once: true } (or is removed by its owner): one call each.
    for (const listener of [...listeners]) {
      listeners.delete(listener);
      if (typeof listener === 'function') listener(event as unknown as Event);
      else listener.handleEvent(event as unknown as Event);
    }
  };
  return { signal: signal as unknown as AbortSignal, abort };
}
