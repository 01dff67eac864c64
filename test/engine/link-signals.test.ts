// linkSignals (src/internal/engine/abort.ts): a call's controller follows the caller's signal. Many calls may share
// one caller signal (a shutdown signal handed to every call of a burst): the SDK keeps one listener on it,
// not one per call (Node warns of a leak past 10), and none once no call follows it.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from '../../src/internal/engine/abort';

describe('linkSignals', () => {
  it('one listener on a shared signal however many links follow it, and none after the last is disposed', () => {
    const shared = new AbortController().signal;
    const links = Array.from({ length: 25 }, () => linkSignals([shared]));
    expect(getEventListeners(shared, 'abort')).toHaveLength(1);
    for (const link of links.slice(1)) link.dispose();
    expect(getEventListeners(shared, 'abort')).toHaveLength(1);
    links[0]?.dispose();
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
    // Following it again starts afresh.
    const again = linkSignals([shared]);
    expect(getEventListeners(shared, 'abort')).toHaveLength(1);
    again.dispose();
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
  });

  it('aborting the source aborts every link still following it, with its reason, and no disposed one', () => {
    const source = new AbortController();
    const other = new AbortController();
    const [a, b, gone] = [
      linkSignals([source.signal]),
      linkSignals([other.signal, source.signal]),
      linkSignals([source.signal]),
    ];
    gone.dispose();
    const reason = new Error('shutting down');
    source.abort(reason);
    expect(a.signal.aborted && b.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe(reason);
    expect(b.signal.reason).toBe(reason);
    expect(gone.signal.aborted).toBe(false);
    // b's link on the other signal is still there until b is disposed.
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    b.dispose();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    // A link made after the source aborted is aborted at once.
    expect(linkSignals([source.signal]).signal.reason).toBe(reason);
  });
});
