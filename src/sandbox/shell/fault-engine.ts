import { FmlConfigError } from '../../errors';
import { newShortId } from '../ids';

/**
 * The one fault engine of the sandbox's servers. It keeps switched-on faults in order and answers two
 * separate questions: which fault a request *matches* (pure: nothing changes), and when a fault has
 * *hit* (counted: its `hits` grow, its `remaining` shrink, and an exhausted fault is switched off).
 * Kept apart because a fault does not always take effect where it is found: the fake automation's
 * lost-answer fault only counts once the completion it drops went through.
 */

/** Which requests a fault hits. */
export interface FaultScope {
  /** HTTP method, any case. @default any method */
  method?: string;
  /** What the path must be; how a string reads depends on the server (see {@link PathRule}). @default any path */
  path?: string | RegExp;
  /** How many matching requests it hits; `'always'` keeps it until removed. @default 1 */
  times?: number | 'always';
}

/** What every switched-on fault shows, whatever it does. */
export interface FaultCount {
  id: string;
  method: string | null;
  path: string | null;
  /** Matching requests it will still hit. */
  remaining: number | 'always';
  /** Requests it has hit so far. */
  hits: number;
}

/**
 * How a string `path` reads: `exact` — the whole path, or a prefix when it ends in `*` (FML's
 * sandbox); `prefix` — any path that starts with it (the fake HubSpot servers). A RegExp is tested
 * against the path either way (its `g`/`y` flags ignored, so a test never depends on the last match).
 */
export type PathRule = 'exact' | 'prefix';

/** The knobs' range: wide enough for any test, narrow enough that no value means something else. */
export const MAX_TIMES = 1_000_000_000;

export const wholeIn = (n: unknown, min: number, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

function pathMatcher(path: string | RegExp | undefined, rule: PathRule): (p: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) {
    const stateless = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
    return (p) => stateless.test(p);
  }
  if (rule === 'prefix' || path.endsWith('*')) {
    const prefix = rule === 'prefix' ? path : path.slice(0, -1);
    return (p) => p.startsWith(prefix);
  }
  return (p) => p === path;
}

interface Active<T> {
  rule: FaultCount & T;
  matchPath: (path: string) => boolean;
}

/** Switched-on faults of one server; `T` is what a fault does there (its kind and knobs). */
export class FaultEngine<T extends object> {
  #active: Active<T>[] = [];

  /** @param label starts every refusal, e.g. `Invalid sandbox fault`. */
  constructor(
    private readonly label: string,
    private readonly pathRule: PathRule,
  ) {}

  /** Refuses a bad knob with a clear {@link FmlConfigError} (never a silent default). */
  fail(why: string): never {
    throw new FmlConfigError(`${this.label}: ${why}`);
  }

  /** Switches a fault on (after the ones already on) and returns what `list()` will show of it. */
  add(scope: FaultScope, effect: T): FaultCount & T {
    const { method, path, times = 1 } = scope;
    if (times !== 'always' && !wholeIn(times, 1, MAX_TIMES))
      this.fail(`times must be a whole number from 1 to ${MAX_TIMES}, or 'always'.`);
    if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)))
      this.fail('method must be an HTTP method name.');
    if (path !== undefined && typeof path !== 'string' && !(path instanceof RegExp))
      this.fail('path must be a string or a RegExp.');
    const rule = {
      ...effect,
      id: newShortId('flt'),
      method: method?.toUpperCase() ?? null,
      path: path === undefined ? null : String(path),
      remaining: times,
      hits: 0,
    };
    this.#active.push({ rule, matchPath: pathMatcher(path, this.pathRule) });
    return { ...rule };
  }

  /** The first fault this request matches (and `accept` takes, when given); counts nothing. */
  match(
    method: string,
    path: string,
    accept: (rule: FaultCount & T) => boolean = () => true,
  ): (FaultCount & T) | undefined {
    const upper = method.toUpperCase();
    return this.#active.find(
      (a) => (a.rule.method === null || a.rule.method === upper) && a.matchPath(path) && accept(a.rule),
    )?.rule;
  }

  /** Counts one hit of a matched fault, switching it off once exhausted; returns it as it now stands. */
  hit(rule: FaultCount & T): FaultCount & T {
    rule.hits += 1;
    if (rule.remaining !== 'always') {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#active = this.#active.filter((a) => a.rule !== rule);
    }
    return { ...rule };
  }

  /** `match`, then `hit`: the fault this request takes, if any. */
  take(method: string, path: string): (FaultCount & T) | undefined {
    const found = this.match(method, path);
    return found && this.hit(found);
  }

  /** The switched-on faults, oldest first (copies). */
  list(): (FaultCount & T)[] {
    return this.#active.map((a) => ({ ...a.rule }));
  }

  /** Switches one fault off; false when no such fault is on. */
  remove(id: string): boolean {
    const before = this.#active.length;
    this.#active = this.#active.filter((a) => a.rule.id !== id);
    return this.#active.length !== before;
  }

  /** Switches every fault off. */
  clear(): void {
    this.#active = [];
  }
}
