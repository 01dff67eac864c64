/** One page of a cursor-paginated list. */
export interface Page<T> {
  data: T[];
  /** Pass back verbatim for the next page; null on the last page. */
  nextCursor: string | null;
  hasMore: boolean;
  /** FML's request id for this page, when sent. */
  requestId: string | undefined;
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
    const seen = new Set<string>();
    let cursor = this.#startCursor;
    for (;;) {
      const page = await this.#fetchPage(cursor);
      yield page;
      if (!page.hasMore || !page.nextCursor || seen.has(page.nextCursor)) return;
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item, collected into an array (up to `limit` items; default: all). */
  async toArray(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) {
      if (out.length >= limit) break;
      out.push(item);
    }
    return out;
  }
}
