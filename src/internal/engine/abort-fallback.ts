// A minimal AbortController for runtimes without one. n8n's Code node runs code in a bare `vm` context
// that offers no `AbortController` (nor `fetch`): the client must still work there with a `fetch` it is
// given. The stand-in does what the SDK and a well-behaved `fetch` use of a signal — `aborted`, `reason`,
// `throwIfAborted` and `abort` listeners — and nothing else. The paste-ready HubSpot action (plain Node)
// gets ./abort-fallback-off.ts instead (scripts/build-hubspot.mjs).

/** A controller whose signal has `aborted`, `reason`, `onabort`, `throwIfAborted` and abort listeners. */
export function minimalAbortController(): AbortController {
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
