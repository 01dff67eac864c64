import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SyncFs, writeJsonAtomicSync } from '../../src/internal/write-json-atomic';

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
