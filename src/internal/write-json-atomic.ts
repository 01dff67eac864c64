import type * as NodeFs from 'node:fs';

// One way to replace a JSON file so that a crash leaves the old file or the new one, never half of one:
// write a temporary file next to it, flush it to disk, rename it over the target, then flush the folder
// so the rename itself survives a power cut. Used by the workflow action's JSON callback store (async)
// and the sandbox's persist file (sync: its state changes are applied synchronously and saved in step).
//
// The async variant loads node:fs on first use, so the entries that include it (the HubSpot one) still
// import in runtimes without it. The sync variant is handed node:fs by its caller for the same reason.

/** Options of {@link writeJsonAtomic} and {@link writeJsonAtomicSync}. */
export interface WriteJsonAtomicOptions {
  /**
   * File permissions of the written file.
   * @default 0o600 (the owner only: these files hold client secrets or customers' case ids)
   */
  mode?: number;
}

/** The node:fs functions {@link writeJsonAtomicSync} uses. */
export type SyncFs = Pick<
  typeof NodeFs,
  'mkdirSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'
>;

/** Writes `value` as JSON to `path` atomically, creating its folder first. Node, Bun and Deno. */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  options: WriteJsonAtomicOptions = {},
): Promise<void> {
  const text = JSON.stringify(value);
  const fs = await import('node:fs/promises');
  const folder = parentOf(path);
  await fs.mkdir(folder, { recursive: true });
  const temp = tempPathFor(path);
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      // On disk before the rename, or a power cut could leave the new name pointing at nothing.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fs
    .open(folder, 'r')
    .then(async (dir) => {
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    })
    .catch(() => undefined); // Windows cannot open a folder; the rename is as durable as it gets there.
}

/** {@link writeJsonAtomic}, synchronously, with the caller's node:fs. */
export function writeJsonAtomicSync(
  fs: SyncFs,
  path: string,
  value: unknown,
  options: WriteJsonAtomicOptions = {},
): void {
  writeTextAtomicSync(fs, path, [JSON.stringify(value)], options);
}

/**
 * {@link writeJsonAtomicSync} for text given in pieces, written as they come: a file larger than one
 * JavaScript string can hold (the sandbox's persist file at 100k cases) never has to exist in memory.
 */
export function writeTextAtomicSync(
  fs: SyncFs,
  path: string,
  pieces: Iterable<string>,
  options: WriteJsonAtomicOptions = {},
): void {
  const folder = parentOf(path);
  fs.mkdirSync(folder, { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = fs.openSync(temp, 'wx', options.mode ?? 0o600);
    try {
      for (const piece of pieces) writeAllSync(fs, fd, piece, path);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  try {
    const dir = fs.openSync(folder, 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Windows cannot open a folder; the rename is as durable as it gets there.
  }
}

/**
 * Writes all of `text` at the file's current position, or at `position` when given.
 * writeSync may write only part of the buffer without throwing (a full disk, a signal): go on until all is written.
 */
export function writeAllSync(
  fs: Pick<SyncFs, 'writeSync'>,
  fd: number,
  text: string,
  path: string,
  position?: number,
): number {
  const bytes = new TextEncoder().encode(text);
  for (let done = 0; done < bytes.length; ) {
    const wrote = fs.writeSync(fd, bytes, done, bytes.length - done, position === undefined ? null : position + done);
    if (!(wrote > 0)) throw new Error(`writeAllSync: no progress writing ${path}`);
    done += wrote;
  }
  return bytes.length;
}

/** A fresh name in the target's own folder: a rename is atomic only within one file system. */
function tempPathFor(path: string): string {
  return `${path}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`;
}

/** The names in `path`'s folder that {@link tempPathFor} made for it: `<name>.<8 hex>.tmp`. */
function tempNamesOf(path: string, names: readonly string[]): string[] {
  const base = path.slice(lastSeparator(path) + 1);
  return names.filter(
    (name) =>
      name.length === base.length + 13 &&
      name.startsWith(`${base}.`) &&
      /^\.[0-9a-f]{8}\.tmp$/.test(name.slice(base.length)),
  );
}

/** A path in `path`'s folder. */
const besides = (path: string, name: string): string => {
  const cut = lastSeparator(path);
  return cut < 0 ? name : `${path.slice(0, cut + 1)}${name}`;
};

/**
 * Removes the temporary files a writer of `path` left behind when it was killed between creating one
 * and renaming it (a crash, `kill -9`, a power cut): they hold a full copy of the data — client
 * secrets, case ids — that nothing would ever clean up. Call it when opening the file, in the one
 * process that writes it. Resolves with how many were removed; a folder that does not exist has none.
 */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const fs = await import('node:fs/promises');
  let names: string[];
  try {
    names = await fs.readdir(parentOf(path));
  } catch {
    return 0;
  }
  const stale = tempNamesOf(path, names);
  await Promise.all(stale.map((name) => fs.rm(besides(path, name), { force: true })));
  return stale.length;
}

/** {@link removeStaleTempFiles}, synchronously, with the caller's node:fs. */
export function removeStaleTempFilesSync(fs: Pick<typeof NodeFs, 'readdirSync' | 'rmSync'>, path: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(parentOf(path));
  } catch {
    return 0;
  }
  const stale = tempNamesOf(path, names);
  for (const name of stale) fs.rmSync(besides(path, name), { force: true });
  return stale.length;
}

/** Where `path`'s last `/` or `\\` is, or -1 (node:path is not loaded for this: both separators are handled). */
const lastSeparator = (path: string): number => Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));

/** The folder holding `path`. */
function parentOf(path: string): string {
  const cut = lastSeparator(path);
  if (cut < 0) return '.';
  if (cut === 0) return path.slice(0, 1);
  // "C:\file" → "C:\"
  return /^[A-Za-z]:$/.test(path.slice(0, cut)) ? path.slice(0, cut + 1) : path.slice(0, cut);
}
