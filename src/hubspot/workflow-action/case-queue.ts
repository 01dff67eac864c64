// One pass per case at a time: FML sends status.changed and decision.made for one decision together,
// and two completion passes racing would complete the same callback twice; and an execution storing
// its BLOCK must not interleave with a pass that would miss it.

/** Runs work for one case after the work queued before it for that case, one at a time. */
export class CaseQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /**
   * Queues `work` behind the case's earlier work. With a signal, the caller stops waiting when it fires;
   * work that has not started by then never starts (so it cannot run half-way), and work already
   * running keeps its place in the queue.
   */
  run<T>(caseId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#tails.get(caseId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => {
        if (signal?.aborted) throw signal.reason;
        return work();
      });
    this.#tails.set(caseId, run);
    // Leave the queue when the work settles, not when the caller gives up: the next pass must wait for it.
    run
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.#tails.get(caseId) === run) this.#tails.delete(caseId);
      });
    return signal ? untilAborted(run, signal) : run;
  }
}

/** The promise's value, unless `signal` fires first (then its reason). */
export function untilAborted<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
