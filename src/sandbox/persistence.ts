import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FmlConfigError } from '../errors';
import { randomToken } from './ids';
import { fromSnapshot, toSnapshot, type SandboxState } from './state';

/** The state saved at `path`, or undefined when there is no file yet. */
export function loadState(path: string): SandboxState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FmlConfigError(`The sandbox persist file ${path} is not valid JSON. Move it away to start fresh.`);
  }
  return fromSnapshot(json, path);
}

/**
 * Writes the state to `path` atomically: a temp file in the same directory, then a rename, so a crash
 * mid-write leaves the previous file intact. Mode 0600 because the file holds the client secrets.
 */
export function saveState(path: string, state: SandboxState): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomToken(6)}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(toSnapshot(state)), { mode: 0o600 });
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
