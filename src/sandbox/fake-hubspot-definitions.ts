import type { FakeActionDefinition } from './fake-hubspot-automation-types';

/**
 * The fake automation's definitions API, as a pure answer over its store: create (`POST /{appId}`),
 * list a page (`GET /{appId}?limit&after`), read and update (`GET`/`PATCH /{appId}/{definitionId}`).
 * The caller has checked the key and the app id.
 */

export type DefinitionsAnswer =
  | { status: number; payload: unknown }
  | { status: number; category: string; message: string };

export function definitionsAnswer(
  store: Map<string, FakeActionDefinition>,
  method: string,
  id: string | undefined,
  body: unknown,
  query: URLSearchParams,
): DefinitionsAnswer {
  const invalid = (message: string): DefinitionsAnswer => ({ status: 400, category: 'VALIDATION_ERROR', message });
  if (id === undefined && method === 'POST') {
    const problem = definitionProblem(body, true);
    if (problem) return invalid(problem);
    const created = {
      ...(body as Record<string, unknown>),
      id: String(100_000 + store.size + 1),
      revisionId: '1',
    } as FakeActionDefinition;
    store.set(created.id, created);
    return { status: 200, payload: created };
  }
  if (id === undefined) {
    const all = [...store.values()];
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 100) || 100));
    const start = Number(query.get('after') ?? 0) || 0;
    const page = all.slice(start, start + limit);
    return {
      status: 200,
      payload: {
        results: page,
        ...(start + limit < all.length ? { paging: { next: { after: String(start + limit) } } } : {}),
      },
    };
  }
  const existing = store.get(id);
  if (!existing) return { status: 404, category: 'OBJECT_NOT_FOUND', message: `No action definition ${id}.` };
  if (method === 'GET') return { status: 200, payload: existing };
  const problem = definitionProblem(body, false);
  if (problem) return invalid(problem);
  const updated = {
    ...existing,
    ...(body as Record<string, unknown>),
    id: existing.id,
    revisionId: String(Number(existing.revisionId) + 1),
  } as FakeActionDefinition;
  store.set(existing.id, updated);
  return { status: 200, payload: updated };
}

function definitionProblem(body: unknown, creating: boolean): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'The body must be an action definition object.';
  const d = body as Record<string, unknown>;
  if (creating || 'actionUrl' in d)
    if (typeof d.actionUrl !== 'string' || !/^https?:\/\//.test(d.actionUrl)) return 'actionUrl must be a URL.';
  if (creating && !Array.isArray(d.inputFields)) return 'inputFields is required.';
  if (creating && !Array.isArray(d.objectTypes)) return 'objectTypes is required.';
  if (creating && !Array.isArray(d.functions)) return 'functions is required.';
  if ((creating || 'published' in d) && typeof d.published !== 'boolean') return 'published must be a boolean.';
  if (creating || 'labels' in d) {
    const en = (d.labels as Record<string, { actionName?: unknown }> | undefined)?.en;
    if (typeof en?.actionName !== 'string') return 'labels.en.actionName is required.';
  }
  return undefined;
}
