/**
 * One route table for every server of the sandbox (FML's API, its `/_sandbox` admin routes, the fake
 * HubSpot CRM and the fake HubSpot automation API). A path it knows with a method it does not gets a
 * 405 and the `Allow` list, as RFC 9110 §15.5.6 asks, instead of a 404 that would send the caller
 * looking for a typo in the path. Pure: it only finds the handler; each server answers in its own
 * error shape.
 */

/** A route: a method, a path pattern (its groups are the route's parameters) and what handles it. */
export type Route<H> = readonly [method: string, pattern: RegExp, handler: H];

interface Entry<H> {
  method: string;
  pattern: RegExp;
  handler: H;
}

/** What a lookup found: the handler and the pattern's groups (still URL-encoded), or why there is none. */
export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: string[] }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'not-found' };

export class RouteTable<H> {
  readonly #routes: Entry<H>[];
  /** How many routes `add` has put in front of the table's own. */
  #added = 0;

  constructor(routes: readonly Route<H>[] = []) {
    this.#routes = routes.map(([method, pattern, handler]) => ({ method: method.toUpperCase(), pattern, handler }));
  }

  /** Adds a route, checked after the routes added before it and before the ones the table was built with. */
  add(method: string, pattern: RegExp, handler: H): void {
    this.#routes.splice(this.#added++, 0, { method: method.toUpperCase(), pattern, handler });
  }

  /** The first route for this method and path; else the methods the path allows (405), else not found. */
  find(method: string, path: string): RouteMatch<H> {
    const allow = new Set<string>();
    for (const route of this.#routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.method === method)
        return { kind: 'found', handler: route.handler, params: match.slice(1).map((p) => p ?? '') };
      allow.add(route.method);
    }
    return allow.size ? { kind: 'wrong-method', allow: [...allow] } : { kind: 'not-found' };
  }
}

/** A path parameter decoded; a malformed escape is kept raw (it will simply not be found). */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
