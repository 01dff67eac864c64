import { operations, type OperationFacts } from '../../../generated/operations';

// The operation a fetch call stands for, found from its method and URL path, so `fml.api` and
// `createFmlFetch` check answers against the spec like the resource methods do. Kept apart from
// `contract.ts` because it needs the whole table: only the fetch entry points import it, and a bundle of
// `cases.create` alone (the HubSpot action) carries just that operation's facts.

interface Route {
  method: string;
  pattern: RegExp;
  facts: OperationFacts;
}

let routes: Route[] | undefined;

/** The templates as patterns, compiled once; literal paths first, so `/v1/cases/search` would beat `/v1/cases/{caseId}`. */
function compile(): Route[] {
  const out = Object.entries(operations).map(([key, facts]) => {
    const space = key.indexOf(' ');
    const template = key.slice(space + 1);
    const params = (template.match(/\{[^}]+\}/g) ?? []).length;
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { method: key.slice(0, space), pattern: new RegExp(`^${source}/?$`), facts, params };
  });
  return out.sort((a, b) => a.params - b.params);
}

/** The spec's facts for `method` on `pathname` (already without the base URL), or undefined for a path the spec lacks. */
export function operationOf(method: string, pathname: string): OperationFacts | undefined {
  routes ??= compile();
  for (const route of routes) if (route.method === method && route.pattern.test(pathname)) return route.facts;
  return undefined;
}
