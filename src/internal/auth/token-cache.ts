import type { StoredToken, TokenStore } from './token-store';

/** Mints a new token (the HTTP call to `/v1/oauth/token`). */
export type MintToken = () => Promise<StoredToken>;

/**
 * Hands out a valid access token, minting as rarely as possible:
 * - reuses a token until `expiresAt - skew`, so a token never expires mid-request;
 * - one mint in flight per process however many calls wait (single flight);
 * - a failed mint is not cached: every waiter gets the error, the next call tries again;
 * - `invalidate(token)` drops a token FML refused, once: a burst of 401s from one stale token triggers
 *   one re-mint, not one per request. The refused token is remembered, so neither a slow store nor
 *   another process that still holds it can hand it back.
 */
export class TokenCache {
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #mint: MintToken;
  readonly #skewMs: number;
  readonly #now: () => number;
  #current: StoredToken | undefined;
  #rejected: string | undefined;
  #inflight: Promise<StoredToken> | undefined;

  constructor(options: { store: TokenStore; key: string; mint: MintToken; skewMs: number; now?: () => number }) {
    this.#store = options.store;
    this.#key = options.key;
    this.#mint = options.mint;
    this.#skewMs = options.skewMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The cached token when it is still usable, synchronously; else undefined (then {@link get} reads the
   * store or mints). Spares the hot path an await: the same rule as `get`, without the promise.
   */
  peek(): string | undefined {
    return this.#current && this.#usable(this.#current) ? this.#current.accessToken : undefined;
  }

  /** A token valid for at least the skew (or half its lifetime, for tokens shorter than twice the skew). */
  async get(): Promise<string> {
    const cached = this.peek();
    if (cached !== undefined) return cached;
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    return (await this.#inflight).accessToken;
  }

  /** Drop `accessToken`, which FML refused (401). Later calls get a newly minted token. */
  async invalidate(accessToken: string): Promise<void> {
    if (this.#rejected === accessToken) return;
    this.#rejected = accessToken;
    if (this.#current?.accessToken === accessToken) this.#current = undefined;
    await this.#store.delete(this.#key, accessToken);
  }

  async #refresh(): Promise<StoredToken> {
    const shared = await this.#store.get(this.#key);
    if (shared && this.#usable(shared)) {
      this.#current = shared;
      return shared;
    }
    const mintAndShare = async () => {
      const token = await this.#mint();
      // FML's own answer is the truth: even if it re-issued the refused string, it is now valid.
      if (token.accessToken === this.#rejected) this.#rejected = undefined;
      await this.#store.set(this.#key, token);
      return token;
    };
    const acquire = () => (this.#store.acquire ? this.#store.acquire(this.#key, mintAndShare) : mintAndShare());
    let token = await acquire();
    if (!this.#usable(token)) {
      // The shared store still held the refused token (its delete raced ours): drop it and go again.
      await this.#store.delete(this.#key, token.accessToken);
      token = await acquire();
    }
    this.#current = token;
    return token;
  }

  #usable(token: StoredToken): boolean {
    return token.accessToken !== this.#rejected && this.#fresh(token);
  }

  #fresh(token: StoredToken): boolean {
    // A token that lives less than twice the skew would never count as fresh; use half its life instead.
    const skew = Math.min(this.#skewMs, (token.expiresAt - token.issuedAt) / 2);
    return this.#now() < token.expiresAt - skew;
  }
}
