import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonFileCallbackStore } from '../../src/hubspot/workflow-action/index';
import {
  removeStaleTempFiles,
  removeStaleTempFilesSync,
  type SyncFs,
  writeJsonAtomic,
  writeJsonAtomicSync,
} from '../../src/internal/write-json-atomic';
import { startSandbox } from '../../src/sandbox/index';

// A real file system whose writeSync, like a write(2) on a nearly full disk or interrupted by a signal,
// writes only part of what it is given (half, at least one byte) and reports how much — without throwing.
function halfWritingFs(calls: number[]): SyncFs {
  const writeSync = ((fd: number, buffer: NodeJS.ArrayBufferView | string, ...rest: unknown[]): number => {
    if (typeof buffer === 'string') {
      const bytes = Buffer.from(buffer, 'utf8');
      const n = Math.max(1, Math.floor(bytes.length / 2));
      calls.push(n);
      return fs.writeSync(fd, bytes, 0, n);
    }
    const offset = (rest[0] as number | undefined) ?? 0;
    const length = (rest[1] as number | undefined) ?? buffer.byteLength - offset;
    const n = Math.max(1, Math.floor(length / 2));
    calls.push(n);
    return fs.writeSync(fd, buffer, offset, n);
  }) as SyncFs['writeSync'];
  return { ...fs, writeSync };
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('writeJsonAtomicSync', () => {
  it('writes the whole JSON even when each writeSync writes only half of what it was given', () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-atomic-'));
    const path = join(dir, 'nested', 'state.json');
    const value = { cases: Array.from({ length: 50 }, (_, i) => ({ id: `case-${i}`, name: `Ünïcødé ✓ ${i}` })) };
    const calls: number[] = [];
    writeJsonAtomicSync(halfWritingFs(calls), path, value);
    expect(calls.length).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(value);
    expect(fs.readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('writes a file with the real node:fs too', () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-atomic-'));
    const path = join(dir, 'state.json');
    writeJsonAtomicSync(fs, path, { a: 1, b: ['x'] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 1, b: ['x'] });
  });
});

describe('no secret left at rest', () => {
  /** Runs a real writer of `target` that is SIGKILLed between writing its temporary file and renaming it. */
  async function killedWriter(target: string, secret: string): Promise<void> {
    const workerDir = mkdtempSync(join(tmpdir(), 'fml-killed-writer-'));
    try {
      const worker = join(workerDir, 'killed-writer.cjs');
      await build({
        entryPoints: [join(__dirname, 'workers/killed-writer.ts')],
        outfile: worker,
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        logLevel: 'silent',
      });
      const run = spawnSync(process.execPath, [worker], {
        env: { ...process.env, FML_TARGET: target, FML_SECRET: secret },
      });
      expect(run.signal).toBe('SIGKILL');
    } finally {
      rmSync(workerDir, { recursive: true, force: true });
    }
  }
  const temps = (folder: string) => fs.readdirSync(folder).filter((n) => n.endsWith('.tmp'));

  it('a writer killed mid-write leaves a temporary file holding the data; removeStaleTempFiles(Sync) removes exactly those', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-atomic-'));
    const target = join(dir, 'state.json');
    await killedWriter(target, 'sk_test_killed_1');
    await killedWriter(target, 'sk_test_killed_2');
    expect(temps(dir)).toHaveLength(2);
    expect(readFileSync(join(dir, temps(dir)[0]!), 'utf8')).toMatch(/sk_test_killed_/);
    expect(fs.existsSync(target)).toBe(false);
    // Not ours: another file's temporaries, and names that only look alike.
    const others = ['other.json.0123abcd.tmp', 'state.json.backup.tmp', 'state.json.0123ABCD.tmp', 'state.json'];
    for (const name of others.slice(0, 3)) fs.writeFileSync(join(dir, name), 'x');
    expect(removeStaleTempFilesSync(fs, target)).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(others.slice(0, 3).sort());

    await killedWriter(target, 'sk_test_killed_3');
    expect(await removeStaleTempFiles(target)).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(others.slice(0, 3).sort());
    expect(await removeStaleTempFiles(join(dir, 'absent-folder', 'x.json'))).toBe(0);
  });

  it('the sandbox persist file and the JSON callback store remove stale temporaries when they open', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-atomic-'));
    const persist = join(dir, 'sandbox.json');
    await killedWriter(persist, 'sk_test_sandbox');
    expect(temps(dir)).toHaveLength(1);
    const sb = await startSandbox({ persistPath: persist });
    await sb.close();
    expect(temps(dir)).toEqual([]);

    const storePath = join(dir, 'callbacks.json');
    await killedWriter(storePath, 'hubspot_case_ids');
    expect(temps(dir)).toHaveLength(1);
    const store = createJsonFileCallbackStore(storePath);
    expect(await store.get('cb-1')).toBeUndefined();
    expect(temps(dir)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'writes files with mode 0600 and leaves no temporary file, also when the write fails',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'fml-atomic-'));
      const folder = dir;
      const path = join(folder, 'state.json');
      await writeJsonAtomic(path, { secret: 'x' });
      writeJsonAtomicSync(fs, join(folder, 'sync.json'), { secret: 'y' });
      expect(fs.statSync(path).mode & 0o777).toBe(0o600);
      expect(fs.statSync(join(folder, 'sync.json')).mode & 0o777).toBe(0o600);
      const failingRename: SyncFs = {
        ...fs,
        renameSync: () => {
          throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
        },
      };
      expect(() => writeJsonAtomicSync(failingRename, join(folder, 'fails.json'), { secret: 'z' })).toThrow('EXDEV');
      expect(temps(folder)).toEqual([]);
      expect(fs.readdirSync(folder).sort()).toEqual(['state.json', 'sync.json']);
    },
  );
});
