import * as fs from 'node:fs';
import { resolve } from 'node:path';
import { FmlConfigError } from '../errors';
import { writeJsonAtomicSync } from '../internal/write-json-atomic';
import { fromSnapshot, toSnapshot, type SandboxState } from './state';

/** The state saved at `path`, or undefined when there is no file yet. */
export function loadState(path: string): SandboxState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
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
 * Writes the state to `path` atomically (temporary file, fsync, rename; the folder is created), so a
 * crash mid-write leaves the previous file intact. Mode 0600 because the file holds the client secrets.
 * Synchronous: the sandbox saves in step with each change, from code that does not await.
 */
export function saveState(path: string, state: SandboxState): void {
  writeJsonAtomicSync(fs, resolve(path), toSnapshot(state), { mode: 0o600 });
}
