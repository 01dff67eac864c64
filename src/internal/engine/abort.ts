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
  const unfollow: (() => void)[] = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    unfollow.push(follow(s, controller));
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const stop of unfollow) stop();
    },
  };
}

/** The controllers following one source signal, and the one listener that aborts them. */
interface Followers {
  members: Set<AbortController>;
  onAbort: () => void;
}

/**
 * Per source signal, its followers. However many calls share one signal (a shutdown signal handed to
 * every call of a burst), the SDK keeps ONE listener on it: Node warns of a leak
 * (MaxListenersExceededWarning) past 10 listeners on a signal.
 */
const followed = /* @__PURE__ */ new WeakMap<AbortSignal, Followers>();

/** Makes `controller` abort when `source` does; returns what stops it following. */
function follow(source: AbortSignal, controller: AbortController): () => void {
  let group = followed.get(source);
  if (!group) {
    const members = new Set<AbortController>();
    const onAbort = () => {
      followed.delete(source);
      for (const member of members) member.abort(source.reason);
    };
    group = { members, onAbort };
    followed.set(source, group);
    source.addEventListener('abort', onAbort, { once: true });
  }
  const { members, onAbort } = group;
  members.add(controller);
  return () => {
    // The last follower gone, the listener goes too: an idle signal holds nothing of the SDK's.
    if (members.delete(controller) && members.size === 0 && followed.get(source) === group) {
      followed.delete(source);
      source.removeEventListener('abort', onAbort);
    }
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
