import type { StoredToken, TokenStore } from './token-store';

/** Mints a new token (the HTTP call to `/v1/oauth/token`). */
export type MintToken = () => Promise<StoredToken>;

/**
 * Hands out a valid access token, minting as rarely as possible:
 * - reuses a token until `expiresAt - skew`, so a token never expires mid-request;
 * - one mint in flight per process however many calls wait (single flight);
 * - a failed mint is not cached: every waiter gets the error, the next call tries again;
 * - `invalidate(token)` drops a token FML refused, only if it is still the current one, so a burst
 *   of 401s from one stale token triggers one re-mint, not one per request.
 */
export class TokenCache {
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #mint: MintToken;
  readonly #skewMs: number;
  readonly #now: () => number;
  #current: StoredToken | undefined;
  #inflight: Promise<StoredToken> | undefined;

  constructor(options: { store: TokenStore; key: string; mint: MintToken; skewMs: number; now?: () => number }) {
    this.#store = options.store;
    this.#key = options.key;
    this.#mint = options.mint;
    this.#skewMs = options.skewMs;
    this.#now = options.now ?? Date.now;
  }

  /** A token valid for at least the skew (or half its lifetime, for tokens shorter than twice the skew). */
  async get(): Promise<string> {
    if (this.#current && this.#fresh(this.#current)) return this.#current.accessToken;
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    return (await this.#inflight).accessToken;
  }

  /** Forget `accessToken` if it is still the current one (FML answered 401 to it). */
  async invalidate(accessToken: string): Promise<void> {
    if (this.#current?.accessToken !== accessToken) return;
    this.#current = undefined;
    const shared = await this.#store.get(this.#key);
    if (shared?.accessToken === accessToken) await this.#store.delete(this.#key);
  }

  async #refresh(): Promise<StoredToken> {
    const shared = await this.#store.get(this.#key);
    if (shared && this.#fresh(shared)) return (this.#current = shared);
    const mintAndShare = async () => {
      const token = await this.#mint();
      await this.#store.set(this.#key, token);
      return token;
    };
    const token = this.#store.acquire ? await this.#store.acquire(this.#key, mintAndShare) : await mintAndShare();
    return (this.#current = token);
  }

  #fresh(token: StoredToken): boolean {
    // A token that lives less than twice the skew would never count as fresh; use half its life instead.
    const skew = Math.min(this.#skewMs, (token.expiresAt - token.issuedAt) / 2);
    return this.#now() < token.expiresAt - skew;
  }
}
