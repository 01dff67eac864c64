import { FmlError } from '../../errors';

/** One page of a cursor-paginated list. */
export interface Page<T> {
  data: T[];
  /** Pass back verbatim for the next page; null on the last page. */
  nextCursor: string | null;
  hasMore: boolean;
  /** FML's request id for this page, when sent. */
  requestId: string | undefined;
}

/** A page as FML sends it (`{ data, nextCursor, hasMore }`), turned into a {@link Page}; anything else is an `invalid_response` error. */
export function toPage<T>(res: { data: unknown; requestId: string | undefined }): Page<T> {
  const body = res.data as { data?: unknown; nextCursor?: unknown; hasMore?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.data)) {
    throw new FmlError('invalid_response', 'FML answered a list request without a `data` array.');
  }
  return {
    data: body.data as T[],
    nextCursor: typeof body.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : null,
    hasMore: body.hasMore === true,
    requestId: res.requestId,
  };
}

/** Fetches the page at `cursor` (undefined for the first). */
export type FetchPage<T> = (cursor: string | undefined) => Promise<Page<T>>;

/**
 * A lazily fetched list: `for await (const item of list)` walks every item across pages;
 * `firstPage()` fetches one page; `pages()` walks page by page. Nothing is fetched until asked.
 */
export class CursorList<T> implements AsyncIterable<T> {
  readonly #fetchPage: FetchPage<T>;
  readonly #startCursor: string | undefined;

  constructor(fetchPage: FetchPage<T>, startCursor?: string) {
    this.#fetchPage = fetchPage;
    this.#startCursor = startCursor;
  }

  /** The first page only. */
  firstPage(): Promise<Page<T>> {
    return this.#fetchPage(this.#startCursor);
  }

  /** Every page in order. Stops when FML says there are no more, or repeats a cursor (never loops). */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor = this.#startCursor;
    const seen = new Set<string>(cursor === undefined ? [] : [cursor]);
    for (;;) {
      const page = await this.#fetchPage(cursor);
      yield page;
      if (!page.hasMore || !page.nextCursor || seen.has(page.nextCursor)) return;
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  /** Every item of every page, fetching the next page only when the loop reaches it: `for await (const c of list)`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /**
   * Every item, collected into an array, fetching no page beyond the one that fills `limit`.
   * @param limit the most items to collect; @default Infinity (all)
   */
  async toArray(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}
