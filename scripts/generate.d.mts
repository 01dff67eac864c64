// Types for scripts/generate.mjs, so that TypeScript tests can import it.

/** A file under `generated/` that does not match what `openapi.yaml` produces. */
export interface Drift {
  /** Repo-relative POSIX path, e.g. `generated/openapi.ts`. */
  path: string;
  /** `differs`: content changed; `missing`: not on disk; `stale`: on disk but no longer produced. */
  problem: 'differs' | 'missing' | 'stale';
}

/** Everything `generated/` should hold, in memory: repo-relative POSIX path → content. */
export function generate(options?: { root?: string }): Promise<Map<string, string>>;

/** Compares `files` with what is on disk under `<root>/generated`, sorted by path. */
export function findDrift(files: Map<string, string>, options?: { root?: string }): Promise<Drift[]>;
