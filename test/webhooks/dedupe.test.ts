import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import { type DedupeStore, createEventDeduper, createMemoryDedupeStore } from '../../src/webhooks';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Work that counts its calls and how many run at once. */
function counter() {
  const state = { calls: 0, active: 0, maxActive: 0 };
  const track = async <T>(inner: () => Promise<T> | T): Promise<T> => {
    state.calls++;
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    try {
      return await inner();
    } finally {
      state.active--;
    }
  };
  return { state, track };
}

afterEach(() => vi.useRealTimers());

describe('createEventDeduper', () => {
  it('runs the work once per eventId and reports redeliveries as duplicates', async () => {
    const deduper = createEventDeduper();
    const { state, track } = counter();
    expect(await deduper.run('evt-1', () => track(() => 'done'))).toEqual({ status: 'processed', value: 'done' });
    expect(await deduper.run('evt-1', () => track(() => 'again'))).toEqual({ status: 'duplicate' });
    expect(await deduper.run('evt-2', () => track(() => 'other'))).toEqual({ status: 'processed', value: 'other' });
    expect(state.calls).toBe(2);
  });

  it('does not mark an event whose work threw, so the retry is processed', async () => {
    const deduper = createEventDeduper();
    await expect(deduper.run('evt-1', () => Promise.reject(new Error('CRM down')))).rejects.toThrow('CRM down');
    expect(await deduper.run('evt-1', () => 'ok')).toEqual({ status: 'processed', value: 'ok' });
    expect(await deduper.run('evt-1', () => 'ok')).toEqual({ status: 'duplicate' });
  });

  it('makes a concurrent duplicate wait, then answers duplicate without running the work twice', async () => {
    const deduper = createEventDeduper();
    const { state, track } = counter();
    const gate = deferred();
    const first = deduper.run('evt-1', () => track(() => gate.promise));
    const second = deduper.run('evt-1', () => track(() => undefined));
    await new Promise((r) => setTimeout(r, 10));
    expect(state.calls).toBe(1);
    gate.resolve();
    expect(await first).toMatchObject({ status: 'processed' });
    expect(await second).toEqual({ status: 'duplicate' });
    expect(state.calls).toBe(1);
  });

  it('lets a waiting duplicate run once the first attempt failed, one at a time', async () => {
    const deduper = createEventDeduper();
    const { state, track } = counter();
    const gate = deferred();
    const first = deduper.run('evt-1', () => track(() => gate.promise));
    const second = deduper.run('evt-1', () => track(() => 'second'));
    const third = deduper.run('evt-1', () => track(() => 'third'));
    gate.reject(new Error('first failed'));
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toEqual({ status: 'processed', value: 'second' });
    expect(await third).toEqual({ status: 'duplicate' });
    expect(state).toMatchObject({ calls: 2, maxActive: 1 });
  });

  it("rethrows the work's own error even when the store's release throws synchronously", async () => {
    const store: DedupeStore = {
      claim: () => 'claimed',
      markDone: () => undefined,
      release: () => {
        throw new Error('store down');
      },
    };
    const deduper = createEventDeduper({ store });
    await expect(deduper.run('evt_1', () => Promise.reject(new Error('onEvent failed')))).rejects.toThrow(
      'onEvent failed',
    );
  });

  it('forgets an event after ttlMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const deduper = createEventDeduper({ ttlMs: 60_000 });
    await deduper.run('evt-1', () => 'a');
    vi.setSystemTime(Date.now() + 59_000);
    expect(await deduper.run('evt-1', () => 'b')).toEqual({ status: 'duplicate' });
    vi.setSystemTime(Date.now() + 2_000);
    expect(await deduper.run('evt-1', () => 'c')).toEqual({ status: 'processed', value: 'c' });
  });

  it('keeps at most maxEntries ids, forgetting the oldest first', async () => {
    const deduper = createEventDeduper({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) await deduper.run(id, () => id);
    expect(await deduper.run('b', () => 'b')).toEqual({ status: 'duplicate' });
    expect(await deduper.run('d', () => 'd')).toEqual({ status: 'duplicate' });
    expect(await deduper.run('a', () => 'a again')).toEqual({ status: 'processed', value: 'a again' });
  });

  it('shares state through a store between deduplicators (two processes): a held claim is in_progress', async () => {
    const store = createMemoryDedupeStore();
    const processA = createEventDeduper({ store });
    const processB = createEventDeduper({ store });
    const { state, track } = counter();
    const gate = deferred();
    const first = processA.run('evt-1', () => track(() => gate.promise));
    await new Promise((r) => setTimeout(r, 0));
    expect(await processB.run('evt-1', () => track(() => undefined))).toEqual({ status: 'in_progress' });
    gate.resolve();
    await first;
    expect(await processB.run('evt-1', () => track(() => undefined))).toEqual({ status: 'duplicate' });
    expect(state.calls).toBe(1);
  });

  it('lets a claim lapse after leaseMs, so a crashed process does not block the event forever', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = createMemoryDedupeStore();
    expect(await store.claim('evt-1', 1_000)).toBe('claimed');
    expect(await store.claim('evt-1', 1_000)).toBe('in_progress');
    vi.setSystemTime(Date.now() + 1_001);
    expect(await createEventDeduper({ store }).run('evt-1', () => 'recovered')).toEqual({
      status: 'processed',
      value: 'recovered',
    });
  });

  it('passes the lease and ttl to the store, and does not run the work when the claim fails', async () => {
    const calls: string[] = [];
    const store: DedupeStore = {
      claim: async (id, leaseMs) => {
        calls.push(`claim ${id} ${leaseMs}`);
        if (id === 'broken') throw new Error('redis down');
        return 'claimed' as const;
      },
      markDone: async (id, ttlMs) => {
        calls.push(`done ${id} ${ttlMs}`);
      },
      release: async (id) => {
        calls.push(`release ${id}`);
      },
    };
    const deduper = createEventDeduper({ store, leaseMs: 5_000, ttlMs: 60_000 });
    await deduper.run('ok', () => 1);
    await expect(deduper.run('fails', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const work = vi.fn();
    await expect(deduper.run('broken', work)).rejects.toThrow('redis down');
    expect(work).not.toHaveBeenCalled();
    expect(calls).toEqual(['claim ok 5000', 'done ok 60000', 'claim fails 5000', 'release fails', 'claim broken 5000']);
  });

  it('reports a store that could not record success, without failing the processed work', async () => {
    const store: DedupeStore = {
      claim: () => 'claimed',
      markDone: () => Promise.reject(new Error('write failed')),
      release: () => undefined,
    };
    const outcome = await createEventDeduper({ store }).run('evt-1', () => 'value');
    expect(outcome).toMatchObject({
      status: 'processed',
      value: 'value',
      storeError: expect.objectContaining({ message: 'write failed' }),
    });
  });

  it('retries a failed done-write within the delivery, so a blip of the store costs nothing', async () => {
    const writes: string[] = [];
    let failures = 2;
    const store: DedupeStore = {
      claim: () => 'claimed',
      markDone: (id) => {
        writes.push(id);
        if (failures-- > 0) throw new Error('blip');
      },
      release: () => undefined,
    };
    expect(await createEventDeduper({ store }).run('evt-1', () => 'value')).toEqual({
      status: 'processed',
      value: 'value',
    });
    expect(writes).toEqual(['evt-1', 'evt-1', 'evt-1']);
  });

  it('when the done-write keeps failing: keeps the claim, answers redeliveries as duplicates, never runs the work twice', async () => {
    const released: string[] = [];
    let up = false;
    const done = new Set<string>();
    const store: DedupeStore = {
      claim: (id) => (done.has(id) ? 'done' : 'claimed'),
      markDone: (id) => {
        if (!up) throw new Error('store down');
        done.add(id);
      },
      release: (id) => void released.push(id),
    };
    const deduper = createEventDeduper({ store, markDoneAttempts: 2 });
    const { state, track } = counter();
    expect(await deduper.run('evt-1', () => track(() => 'v'))).toMatchObject({
      status: 'processed',
      storeError: expect.objectContaining({ message: 'store down' }),
    });
    expect(await deduper.run('evt-1', () => track(() => 'v'))).toEqual({ status: 'duplicate' });
    expect(released).toEqual([]); // the claim stays: other processes see in_progress until the lease lapses
    up = true;
    expect(await deduper.run('evt-1', () => track(() => 'v'))).toEqual({ status: 'duplicate' });
    expect(done.has('evt-1')).toBe(true); // recorded on the way
    expect(state.calls).toBe(1);
  });

  it('rejects markDoneAttempts out of range', () => {
    for (const bad of [0, 1.5, 11, Number.NaN])
      expect(() => createEventDeduper({ markDoneAttempts: bad })).toThrow(/markDoneAttempts/);
  });

  it.each([
    [{ ttlMs: 0 }, /ttlMs/],
    [{ leaseMs: -1 }, /leaseMs/],
    [{ maxEntries: Number.NaN }, /maxEntries/],
  ])('rejects a bad option %o', (options, message) => {
    expect(() => createEventDeduper(options)).toThrow(FmlConfigError);
    expect(() => createEventDeduper(options)).toThrow(message);
  });
});

describe('createMemoryDedupeStore (an LRU with expiry)', () => {
  it('remembers at least 100,000 ids by default, forgetting the least recently seen first', () => {
    let now = 0;
    const store = createMemoryDedupeStore({ now: () => now });
    for (let i = 0; i <= 100_000; i++) {
      store.claim(`evt-${i}`, 1_000);
      store.markDone(`evt-${i}`, 86_400_000);
      now++;
    }
    expect(store.claim('evt-0', 1_000)).toBe('claimed'); // the 100,001st id pushed out the oldest
    expect(store.claim('evt-2', 1_000)).toBe('done');
    expect(store.claim('evt-100000', 1_000)).toBe('done');
  });

  it('counts a redelivery as a use: a redelivered id outlives ids seen once since', async () => {
    const deduper = createEventDeduper({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) await deduper.run(id, () => id);
    expect(await deduper.run('a', () => 'again')).toEqual({ status: 'duplicate' }); // a is now the most recent
    await deduper.run('d', () => 'd'); // evicts b, the least recently seen
    expect(await deduper.run('a', () => 'again')).toEqual({ status: 'duplicate' });
    expect(await deduper.run('b', () => 'b again')).toEqual({ status: 'processed', value: 'b again' });
  });

  it('expires entries on the injected clock, and frees expired ones as new ids arrive', () => {
    let now = 0;
    const store = createMemoryDedupeStore({ maxEntries: 10, now: () => now });
    store.markDone('old', 100);
    now = 100;
    expect(store.claim('old', 50)).toBe('claimed'); // expired at exactly its ttl
    now = 1_000;
    expect(store.claim('old', 50)).toBe('claimed'); // the claim lapsed too
  });
});
