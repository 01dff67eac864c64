import { INSPECT } from '../redact';

/** An access token as the cache keeps it. */
export interface StoredToken {
  /** The bearer token. A secret: never log it. */
  accessToken: string;
  /** When FML stops honouring it, as epoch milliseconds (mint time + `expires_in`). */
  expiresAt: number;
  /** When it was minted, as epoch milliseconds. */
  issuedAt: number;
  /** The scopes FML granted, space-separated. */
  scope?: string;
}

/**
 * Where tokens live between calls. The default keeps them in this process; a shared store (e.g.
 * `RedisTokenStore`) lets a fleet of processes reuse one token instead of each minting its own,
 * which FML's 30 mints/minute limit requires at scale.
 *
 * Keys are derived from the base URL and client id (never the secret).
 */
export interface TokenStore {
  /** The token stored for `key`, if any (the cache checks its expiry itself). */
  get(key: string): Promise<StoredToken | undefined>;
  /** Stores a freshly minted token for `key`, replacing any other. */
  set(key: string, token: StoredToken): Promise<void>;
  /**
   * Forgets the token for `key`. With `onlyIfToken`, only while that is still the stored token (an
   * atomic compare-and-delete in shared stores), so a process dropping a token FML refused cannot
   * delete the fresh one another process has just stored.
   */
  delete(key: string, onlyIfToken?: string): Promise<void>;
  /**
   * Optional: return a fresh token for `key`, calling `mint` at most once across every process that
   * shares this store (a lock with expiry, for example). When absent, the cache mints in-process,
   * once per process.
   */
  acquire?(key: string, mint: () => Promise<StoredToken>): Promise<StoredToken>;
}

/** The default store: a Map in this process. Tokens are held in a private field, hidden from inspection. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, StoredToken>();

  /** The token held for `key`, if any. */
  async get(key: string): Promise<StoredToken | undefined> {
    return this.#tokens.get(key);
  }

  /** Holds `token` for `key`. */
  async set(key: string, token: StoredToken): Promise<void> {
    this.#tokens.set(key, token);
  }

  /** Forgets the token for `key` (with `onlyIfToken`, only while it is still that token). */
  async delete(key: string, onlyIfToken?: string): Promise<void> {
    if (onlyIfToken === undefined || this.#tokens.get(key)?.accessToken === onlyIfToken) this.#tokens.delete(key);
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { type: 'MemoryTokenStore', size: this.#tokens.size };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. @internal (the symbol is internal) */
  [INSPECT](): string {
    return `MemoryTokenStore { size: ${this.#tokens.size} }`;
  }
}
