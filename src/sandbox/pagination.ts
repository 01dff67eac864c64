import { readLimit, readText, type FieldProblem } from './validation';
import type { Page } from './types';

const PREFIX = 'sbx1:';

/** Cursors are opaque to clients; inside they hold the position (sequence number) to continue after. */
export const encodeCursor = (seq: number): string => Buffer.from(`${PREFIX}${seq}`).toString('base64url');

/** The position a cursor holds, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  if (!text.startsWith(PREFIX)) return undefined;
  const seq = Number(text.slice(PREFIX.length));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/**
 * The API's page from one found by the sandbox's indexes (items after the cursor, in ascending `seq`
 * order). Walking by sequence keeps pages stable while new items arrive: they join the end, nothing
 * shifts or repeats.
 */
export function toPage<T>(found: { page: readonly { seq: number; data: T }[]; hasMore: boolean }): Page<T> {
  const { page, hasMore } = found;
  const last = page.at(-1);
  return { data: page.map((i) => i.data), nextCursor: hasMore && last ? encodeCursor(last.seq) : null, hasMore };
}

/** `limit` and `cursor` from a list query, as the page size and the sequence number to start after. */
export function readPageParams(query: URLSearchParams, fields: FieldProblem[]): { limit: number; after: number } {
  const limit = readLimit(query, fields);
  const cursor = readText(query, 'cursor', fields);
  const after = cursor === undefined ? 0 : decodeCursor(cursor);
  if (after === undefined)
    fields.push({ field: 'cursor', message: 'is not a cursor this API returned; pass nextCursor back verbatim' });
  return { limit, after: after ?? 0 };
}
