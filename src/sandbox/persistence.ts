import * as fs from 'node:fs';
import { resolve } from 'node:path';
import { FmlConfigError } from '../errors';
import { removeStaleTempFilesSync, writeAllSync, writeTextAtomicSync } from '../internal/write-json-atomic';
import {
  appendEvent,
  COLLECTIONS,
  collectionOf,
  dropRecord,
  fromSnapshot,
  JOURNAL_VERSION,
  metaOf,
  putRecord,
  stateFromMeta,
  unusable,
  type CollectionName,
  type EventRecord,
  type SandboxState,
  type SnapshotMeta,
} from './state';

// The persist file is a journal: a header line (version and secrets), then one JSON line per change,
// appended as the change happens. A create therefore writes a few hundred bytes whatever the state's
// size (it used to rewrite the whole file, twice: 60 ms per create at 1k cases, 3.2 s at 50k).
//
//   {"version":2,"defaultClientId":…,"webhookSecret":…,"signingKey":…,"seq":…}   header
//   {"put":"cases","key":"<id>","value":{…}}                                       a record, new or changed
//   {"del":"tokens","key":"<token>"}                                               a record gone
//   {"event":{…}}                                                                  an event
//   {"meta":{…}}                                                                   the header's fields, changed
//
// Reading replays the lines in order, so the last line about a key wins. Compaction rewrites the file
// with one line per live record (temporary file, fsync, rename: a crash leaves the old file or the new
// one); it runs when the appended lines outweigh the last compacted file (so it costs O(1) per change,
// amortised), after a collection is cleared, and on close.
//
// Durability: each change is written (one writeSync) before its response is sent, so what the sandbox
// acknowledged survives `kill -9` of the process (the kernel has the bytes). Appends are not fsynced:
// a power cut may lose the last changes — a sandbox's data is not worth an fsync per request. A crash
// mid-append leaves a torn last line; reading drops it (nothing was acknowledged for it) and the next
// save rewrites the file clean.

/** A journal line, as written and read. */
type Line =
  | { put: CollectionName; key: string; value: unknown }
  | { del: CollectionName; key: string }
  | { event: EventRecord }
  | { meta: SnapshotMeta };

/** Appended bytes below this never trigger a compaction, however small the state. */
const MIN_COMPACT_BYTES = 4 * 1024 * 1024;

const NEWLINE = 0x0a;

/** The state saved at `path` and the file to keep saving it in; `state` is undefined when there is no file yet. */
export function openPersistFile(path: string): { state: SandboxState | undefined; file: PersistFile } {
  const full = resolve(path);
  // A compaction killed before its rename leaves a temporary copy of the whole state (secrets included).
  removeStaleTempFilesSync(fs, full);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { state: undefined, file: new PersistFile(full, false, 0) };
    throw err;
  }
  const read = readPersisted(bytes, path);
  return { state: read.state, file: new PersistFile(full, read.appendable, bytes.length) };
}

/**
 * Rebuilds the state from a persist file's bytes: today's journal, or the first format (one JSON
 * document). `appendable` is false when the file must be rewritten before anything is appended to it
 * (the old format, or a torn last line).
 */
export function readPersisted(bytes: Buffer, source: string): { state: SandboxState; appendable: boolean } {
  const firstEnd = bytes.indexOf(NEWLINE);
  const header = parseLine(bytes, 0, firstEnd === -1 ? bytes.length : firstEnd);
  if (header === undefined || (header as { version?: unknown }).version !== JOURNAL_VERSION) {
    // The first format is one document; decode it whole (it was written as one string, so it fits in one).
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new FmlConfigError(`The sandbox persist file ${source} is not valid JSON. Move it away to start fresh.`);
    }
    const state = fromSnapshot(json, source);
    state.pending.forget(state.events.length);
    return { state, appendable: false };
  }
  const state = stateFromMeta(header, source, JOURNAL_VERSION);
  // Index once at the end, not per line: a case changed many times would otherwise be re-indexed each time.
  state.index.paused = true;
  // A header without its newline (nothing else) is whole, but must not have a line glued to it.
  let appendable = firstEnd !== -1;
  // A chunk of lines at a time: at 100k cases the file is larger than one JavaScript string may be.
  const lines = linesOf(bytes, firstEnd === -1 ? bytes.length : firstEnd + 1);
  for (let lineNo = 2, next = lines.next(); !next.done; lineNo++) {
    const { text, terminated } = next.value;
    next = lines.next();
    const line = parseText(text);
    if (line === undefined || !applyLine(state, line)) {
      // A torn tail (the process died mid-append) was never acknowledged: drop it. Anywhere else, stop.
      if (next.done && !terminated) {
        appendable = false;
        break;
      }
      throw unusable(source, `line ${lineNo} is not a sandbox journal entry`);
    }
    if (!terminated) appendable = false; // whole, but unterminated: rewrite before appending after it
  }
  state.index.rebuild(state.cases.values(), state.events);
  state.pending.forget(state.events.length);
  return { state, appendable };
}

function parseLine(bytes: Buffer, start: number, end: number): unknown {
  return parseText(bytes.toString('utf8', start, end));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Decoding this much at once (cut at a newline) is much cheaper than decoding each line on its own. */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Where the chunk from `start` ends: after its last newline (a line longer than a chunk makes its chunk longer). */
function chunkEnd(bytes: Buffer, start: number): number {
  const end = start + READ_CHUNK_BYTES;
  if (end >= bytes.length) return bytes.length;
  const cut = bytes.lastIndexOf(NEWLINE, end - 1);
  if (cut >= start) return cut + 1;
  const after = bytes.indexOf(NEWLINE, end);
  return after === -1 ? bytes.length : after + 1;
}

/** The lines of `bytes` from `start`, with whether each ended in a newline. Empty lines are skipped. */
function* linesOf(bytes: Buffer, start: number): Generator<{ text: string; terminated: boolean }> {
  while (start < bytes.length) {
    const end = chunkEnd(bytes, start);
    const parts = bytes.toString('utf8', start, end).split('\n');
    const tail = parts.pop() ?? ''; // '' when the chunk ends in a newline, else the unterminated last line
    for (const text of parts) if (text !== '') yield { text, terminated: true };
    if (tail !== '') yield { text: tail, terminated: false };
    start = end;
  }
}

const isCollection = (v: unknown): v is CollectionName => (COLLECTIONS as readonly unknown[]).includes(v);

/** Applies one journal line; false when it is not one. Keys go into Maps, so even `__proto__` is just a key. */
function applyLine(state: SandboxState, line: unknown): boolean {
  if (typeof line !== 'object' || line === null) return false;
  const l = line as Record<string, unknown>;
  if (isCollection(l.put) && typeof l.key === 'string' && typeof l.value === 'object' && l.value !== null)
    putRecord(state, l.put, l.key, l.value);
  else if (isCollection(l.del) && typeof l.key === 'string') dropRecord(state, l.del, l.key);
  else if (typeof l.event === 'object' && l.event !== null) appendEvent(state, l.event as EventRecord);
  else if (typeof l.meta === 'object' && l.meta !== null) applyMeta(state, l.meta as Record<string, unknown>);
  else return false;
  return true;
}

function applyMeta(state: SandboxState, meta: Record<string, unknown>): void {
  if (typeof meta.defaultClientId === 'string' || meta.defaultClientId === null)
    state.defaultClientId = meta.defaultClientId;
  if (typeof meta.webhookSecret === 'string') state.webhookSecret = meta.webhookSecret;
  if (typeof meta.signingKey === 'string') state.signingKey = meta.signingKey;
  if (typeof meta.seq === 'number' && meta.seq > state.seq) state.seq = meta.seq;
}

/** The header fields that matter when they change (the counter is rebuilt from the records' own). */
const metaKey = (state: SandboxState): string =>
  JSON.stringify([state.defaultClientId, state.webhookSecret, state.signingKey]);

/** Every line of a compacted file: the header, each live record, each event. */
function* compactedLines(state: SandboxState): Iterable<string> {
  yield `${JSON.stringify({ version: JOURNAL_VERSION, ...metaOf(state) })}\n`;
  for (const name of COLLECTIONS)
    for (const [key, value] of collectionOf(state, name))
      yield `${JSON.stringify({ put: name, key, value } satisfies Line)}\n`;
  for (const event of state.events) yield `${JSON.stringify({ event } satisfies Line)}\n`;
}

/** Lines joined into pieces of about a megabyte: one write per piece, not one per line. */
function* batched(lines: Iterable<string>): Iterable<string> {
  let piece = '';
  for (const line of lines) {
    piece += line;
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

/** The lines for what changed since the last save. */
function changedLines(state: SandboxState, metaChanged: boolean): string {
  let text = metaChanged ? `${JSON.stringify({ meta: metaOf(state) } satisfies Line)}\n` : '';
  for (const [name, keys] of state.pending.keys) {
    const collection = collectionOf(state, name);
    for (const key of keys) {
      const value = collection.get(key);
      text += `${JSON.stringify(value === undefined ? ({ del: name, key } satisfies Line) : ({ put: name, key, value } satisfies Line))}\n`;
    }
  }
  for (const event of state.events.slice(state.pending.savedEvents))
    text += `${JSON.stringify({ event } satisfies Line)}\n`;
  return text;
}

/**
 * The persist file of one sandbox: appends each change, compacts now and then. Mode 0600: the file
 * holds the client secrets.
 */
export class PersistFile {
  #fd: number | undefined;
  #appendable: boolean;
  /** Size of the file as last compacted (or found). */
  #baseBytes: number;
  /** Bytes appended since. */
  #appendedBytes = 0;
  #meta: string | undefined;

  constructor(
    readonly path: string,
    appendable: boolean,
    sizeBytes: number,
  ) {
    this.#appendable = appendable;
    this.#baseBytes = sizeBytes;
  }

  /** Writes what changed since the last save (the first save of a run may rewrite the file instead). */
  save(state: SandboxState): void {
    const meta = metaKey(state);
    if (
      !this.#appendable ||
      state.pending.reset ||
      this.#appendedBytes > Math.max(MIN_COMPACT_BYTES, this.#baseBytes)
    ) {
      this.compact(state);
      return;
    }
    const text = changedLines(state, meta !== this.#meta);
    if (text) {
      this.#fd ??= fs.openSync(this.path, 'a', 0o600);
      this.#appendedBytes += writeAllSync(fs, this.#fd, text, this.path);
    }
    this.#meta = meta;
    state.pending.forget(state.events.length);
  }

  /** Rewrites the file with one line per live record, atomically. */
  compact(state: SandboxState): void {
    this.#closeFd();
    let bytes = 0;
    const counted = function* (lines: Iterable<string>) {
      for (const line of lines) {
        bytes += Buffer.byteLength(line);
        yield line;
      }
    };
    writeTextAtomicSync(fs, this.path, counted(batched(compactedLines(state))), { mode: 0o600 });
    this.#appendable = true;
    this.#baseBytes = bytes;
    this.#appendedBytes = 0;
    this.#meta = metaKey(state);
    state.pending.forget(state.events.length);
  }

  /** Saves what is left and lets go of the file; compacts when the journal has grown past the compacted part. */
  close(state: SandboxState): void {
    if (this.#appendedBytes > this.#baseBytes / 4 || !this.#appendable || state.pending.reset) this.compact(state);
    else this.save(state);
    this.#closeFd();
  }

  #closeFd(): void {
    if (this.#fd !== undefined) fs.closeSync(this.#fd);
    this.#fd = undefined;
  }
}
