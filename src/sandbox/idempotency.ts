import type { SandboxCore } from './core';
import { apiError, type SandboxResponse } from './http-io';
import { tenantKey } from './state';
import { checkIdempotencyKey } from './validation';

/** What to do with a request's `Idempotency-Key`. */
export type KeyDecision = { kind: 'proceed'; key: string | undefined } | { kind: 'respond'; response: SandboxResponse };

/**
 * Applies the tenant-scoped Idempotency-Key rules before an operation runs. A key belongs to the first
 * endpoint it is used on: the same key on another endpoint is a 409. On a create, a known key replays the
 * stored response — original status and body byte for byte — with `Idempotent-Replay: true`. Reads
 * claim a key but are never replayed (they always show current data).
 */
export function checkKey(
  core: SandboxCore,
  orgId: string,
  endpoint: string,
  key: string | undefined,
  replayable: boolean,
): KeyDecision {
  if (key === undefined) return { kind: 'proceed', key };
  const problem = checkIdempotencyKey(key);
  if (problem)
    return {
      kind: 'respond',
      response: apiError(400, 'validation_error', `Invalid request: ${problem.field} ${problem.message}.`, {}, [
        problem,
      ]),
    };
  const record = core.state.idempotency.get(tenantKey(orgId, key));
  if (record && record.endpoint !== endpoint) {
    return {
      kind: 'respond',
      response: apiError(
        409,
        'idempotency_key_conflict',
        `This Idempotency-Key was already used on ${record.endpoint}. Use a fresh key for ${endpoint}.`,
      ),
    };
  }
  if (record?.response && replayable) {
    const { status, body } = record.response;
    return {
      kind: 'respond',
      response: { status, headers: { 'content-type': 'application/json', 'idempotent-replay': 'true' }, body },
    };
  }
  if (!record && !replayable) {
    core.state.idempotency.set(tenantKey(orgId, key), { endpoint, response: null, createdAt: core.now() });
    core.persist();
  }
  return { kind: 'proceed', key };
}

/** Stores a create's response under its key (a success; an error too with `replayErrors`), so a retry gets exactly the same answer. */
export function rememberResponse(
  core: SandboxCore,
  orgId: string,
  endpoint: string,
  key: string,
  response: SandboxResponse,
): void {
  core.state.idempotency.set(tenantKey(orgId, key), {
    endpoint,
    response: { status: response.status, headers: response.headers, body: response.body },
    createdAt: core.now(),
  });
  core.persist();
}
