import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createJsonFileCallbackStore,
  createMemoryCallbackStore,
  type CallbackRecord,
  type CallbackStore,
} from '../../src/hubspot/workflow-action/index';

const record = (over: Partial<CallbackRecord> = {}): CallbackRecord => ({
  callbackId: 'ap-1-2-3',
  portalId: '7654321',
  objectId: '4401',
  caseId: 'CS-2026-00471',
  customerPortalUrl: 'https://portal.example/c/1',
  state: 'blocked',
  answer: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1W' },
  createdAt: 1_000,
  blockExpiresAt: 5_000,
  forgetAt: 5_000,
  ...over,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fml-cbstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kinds: [string, () => CallbackStore][] = [
  ['memory', () => createMemoryCallbackStore()],
  ['JSON file', () => createJsonFileCallbackStore(join(dir, 'store.json'))],
];

describe.each(kinds)('%s callback store', (_name, make) => {
  it('gets, replaces, finds by case, deletes', async () => {
    const store = make();
    expect(await store.get('ap-1-2-3')).toBeUndefined();
    await store.set(record());
    await store.set(record({ callbackId: 'ap-other', caseId: 'CS-2' }));
    expect(await store.get('ap-1-2-3')).toEqual(record());
    await store.set(record({ state: 'completed', completion: { hs_execution_state: 'SUCCESS', status: 'approved' } }));
    expect((await store.get('ap-1-2-3'))?.state).toBe('completed');
    expect((await store.findByCase('CS-2026-00471')).map((r) => r.callbackId)).toEqual(['ap-1-2-3']);
    // Moving a record to another case moves it in the index too.
    await store.set(record({ caseId: 'CS-2' }));
    expect((await store.findByCase('CS-2')).map((r) => r.callbackId).sort()).toEqual(['ap-1-2-3', 'ap-other']);
    expect(await store.findByCase('CS-2026-00471')).toEqual([]);
    await store.delete('ap-1-2-3');
    expect(await store.get('ap-1-2-3')).toBeUndefined();
  });

  it('hands out copies: changing one does not change the store', async () => {
    const store = make();
    const mine = record();
    await store.set(mine);
    mine.state = 'completed';
    const got = (await store.get('ap-1-2-3'))!;
    got.answer.hs_execution_state = 'SUCCESS';
    expect(await store.get('ap-1-2-3')).toEqual(record());
  });

  it('prunes records whose forgetAt has passed', async () => {
    const store = make();
    await store.set(record({ callbackId: 'a', forgetAt: 10 }));
    await store.set(record({ callbackId: 'b', forgetAt: 20 }));
    expect(await store.prune(15)).toBe(1);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeDefined();
    expect(await store.findByCase('CS-2026-00471')).toHaveLength(1);
  });
});

describe('JSON file callback store', () => {
  it('survives a restart: a new store on the same file reads what the first wrote', async () => {
    const file = join(dir, 'store.json');
    const first = createJsonFileCallbackStore(file);
    await first.set(record());
    await first.set(
      record({
        callbackId: 'ap-9',
        caseId: 'CS-9',
        state: 'answered',
        answer: { hs_execution_state: 'SUCCESS', caseId: 'CS-9' },
      }),
    );
    await first.delete('ap-9');
    await first.set(record({ callbackId: 'ap-10', caseId: 'CS-10' }));

    const second = createJsonFileCallbackStore(file);
    expect(await second.get('ap-1-2-3')).toEqual(record());
    expect(await second.get('ap-9')).toBeUndefined();
    expect((await second.findByCase('CS-10')).map((r) => r.callbackId)).toEqual(['ap-10']);
  });

  it('writes atomically through a temporary file, leaving none behind, readable by its owner only', async () => {
    const file = join(dir, 'store.json');
    const store = createJsonFileCallbackStore(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(record({ callbackId: `ap-${i}` }))));
    await store.flush();
    expect(await readdir(dir)).toEqual(['store.json']);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { version: number; records: unknown[] };
    expect(onDisk.version).toBe(1);
    expect(onDisk.records).toHaveLength(50);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Every concurrent write landed: a fresh store sees all fifty.
    const reread = createJsonFileCallbackStore(file);
    for (let i = 0; i < 50; i++) expect(await reread.get(`ap-${i}`)).toBeDefined();
  });

  it('refuses a corrupt file rather than starting empty over it', async () => {
    const file = join(dir, 'store.json');
    await writeFile(file, '{"records": [');
    const store = createJsonFileCallbackStore(file);
    await expect(store.get('x')).rejects.toMatchObject({ code: 'store_unreadable' });
    await expect(store.set(record())).rejects.toMatchObject({ code: 'store_unreadable' });
    expect(await readFile(file, 'utf8')).toBe('{"records": [');
  });

  it('tries the read again after it failed once, but keeps refusing a file that is not a store', async () => {
    const file = join(dir, 'store.json');
    // A directory where the file should be: the read fails (EISDIR), as a transient fault would.
    await mkdir(file);
    const store = createJsonFileCallbackStore(file);
    await expect(store.get('ap-1-2-3')).rejects.toMatchObject({ code: 'store_unreadable' });
    await rm(file, { recursive: true });
    const seeded = createJsonFileCallbackStore(file);
    await seeded.set(record());
    // The same store now reads the file: the failure was not remembered.
    expect(await store.get('ap-1-2-3')).toEqual(record());

    // A parse error is permanent: fixing the file under a store that refused it does not revive it.
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"records": [');
    const refused = createJsonFileCallbackStore(bad);
    await expect(refused.get('x')).rejects.toMatchObject({ code: 'store_unreadable' });
    await writeFile(bad, JSON.stringify({ version: 1, records: [] }));
    await expect(refused.get('x')).rejects.toMatchObject({ code: 'store_unreadable' });
  });

  it('skips hand-edited records it cannot use, and keeps __proto__ keys inert', async () => {
    const file = join(dir, 'store.json');
    const good = record();
    await writeFile(
      file,
      `{"version":1,"records":[${JSON.stringify(good)},{"callbackId":5},{"callbackId":"x","state":"weird","answer":{},"createdAt":1,"forgetAt":2},` +
        `{"callbackId":"p","state":"answered","createdAt":1,"forgetAt":2,"answer":{"__proto__":{"polluted":"yes"},"hs_execution_state":"SUCCESS"}}]}`,
    );
    const store = createJsonFileCallbackStore(file);
    expect(await store.get('ap-1-2-3')).toEqual(good);
    expect(await store.get('x')).toBeUndefined();
    const p = await store.get('p');
    expect(p?.answer.hs_execution_state).toBe('SUCCESS');
    expect((p?.answer as Record<string, unknown> | undefined)?.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a change whose write fails: reads never see it, and later changes land without it', async () => {
    const file = join(dir, 'store.json');
    const store = createJsonFileCallbackStore(file);
    await store.set(record({ callbackId: 'ap-kept' }));
    // A directory where the file goes: the rename onto it fails, as a full or read-only disk would.
    await rm(file);
    await mkdir(join(file, 'in-the-way'), { recursive: true });
    await expect(store.set(record({ callbackId: 'ap-lost', caseId: 'CS-lost' }))).rejects.toThrow();
    await expect(store.delete('ap-kept')).rejects.toThrow();
    expect(await store.get('ap-lost')).toBeUndefined();
    expect(await store.findByCase('CS-lost')).toEqual([]);
    expect(await store.get('ap-kept')).toBeDefined();

    await rm(file, { recursive: true });
    await store.set(record({ callbackId: 'ap-later' }));
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { records: CallbackRecord[] };
    expect(onDisk.records.map((r) => r.callbackId).sort()).toEqual(['ap-kept', 'ap-later']);
    expect((await readdir(dir)).sort()).toEqual(['store.json']);
  });

  it('creates the folder it is told to write in', async () => {
    const file = join(dir, 'state', 'workflow', 'callbacks.json');
    const store = createJsonFileCallbackStore(file);
    await store.set(record());
    expect(await createJsonFileCallbackStore(file).get('ap-1-2-3')).toEqual(record());
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('starts empty when the file does not exist yet', async () => {
    const store = createJsonFileCallbackStore(join(dir, 'new.json'));
    expect(await store.findByCase('CS-1')).toEqual([]);
    expect(await store.prune(Date.now())).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
