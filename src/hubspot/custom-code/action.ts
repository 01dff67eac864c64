import { clientTransport, DEFAULT_BASE_URL } from '../../http/client-transport';
import type { Transport } from '../../http/transport';
import { replayedFrom } from '../../resources/cases';
import type { Case } from '../../types';
import { FmlConfigError, FmlError, ValidationError } from '../../errors';
import { mapCompany, relabel, resolveCompanyMapping, type CompanyToCaseOptions, type ResolvedCompanyMapping } from '../company/company-to-case';
import { ownInput } from '../company/inputs';
import { failureOutputs, successOutputs, type CustomCodeResult } from './outputs';
import { isTransient, RetryableActionError } from './retry-error';

/** The `event` HubSpot passes to a Custom Code action. Every part is treated as possibly missing. */
export interface HubSpotActionEvent {
  origin?: { portalId?: number | string; actionDefinitionId?: number | string; [key: string]: unknown };
  object?: { objectType?: string; objectId?: number | string; [key: string]: unknown };
  inputFields?: Record<string, unknown>;
  callbackId?: string;
  [key: string]: unknown;
}

/** The handler to assign to `exports.main`. */
export type CustomCodeHandler = (event: HubSpotActionEvent, callback?: unknown) => Promise<CustomCodeResult>;

/** Options of {@link hubspotCustomCodeAction}. The mapping options are those of `companyToCreateCase`. */
export interface CustomCodeActionOptions extends CompanyToCaseOptions {
  /**
   * Time one execution may spend on FML — token, every attempt and every wait — in ms. HubSpot kills
   * an action at 20 s; what is left over is headroom for a cold start.
   * @default 15000
   */
  budgetMs?: number;
  /**
   * Time limit for each HTTP attempt, in ms. Below the budget, so a hung attempt leaves time to retry.
   * @default half of budgetMs (7500 ms with the default budget)
   */
  attemptTimeoutMs?: number;
  /**
   * Retries inside one execution (inside the budget) before the failure is handed to HubSpot, which
   * re-runs the action later.
   * @default 2
   */
  maxRetries?: number;
  /**
   * Where the secrets `FML_CLIENT_ID`, `FML_CLIENT_SECRET` and (optional) `FML_BASE_URL` are read
   * from, on every execution.
   * @default process.env (HubSpot puts the action's ticked secrets there)
   */
  env?: Record<string, string | undefined>;
  /**
   * The `fetch` to call FML with.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Receives one line per execution (the action's log in HubSpot shows it); `false` for none. Lines
   * hold ids and codes, never a secret.
   * @default console.log
   */
  log?: false | ((line: string) => void);
}

interface ResolvedActionOptions {
  mapping: ResolvedCompanyMapping;
  budgetMs: number;
  attemptTimeoutMs: number;
  maxRetries: number;
  env: (() => Record<string, string | undefined>);
  fetch: typeof globalThis.fetch | undefined;
  log: (line: string) => void;
}

const SECRET_CLIENT_ID = 'FML_CLIENT_ID';
const SECRET_CLIENT_SECRET = 'FML_CLIENT_SECRET';
const SECRET_BASE_URL = 'FML_BASE_URL';

/**
 * The whole Custom Code action: `exports.main = hubspotCustomCodeAction()`.
 *
 * Reads the Company from the action's inputs, creates (or finds) its FML case with the stable key
 * `hubspot-<companyId>`, and returns `{ outputFields }` — Node 24's contract — and also passes them to
 * `callback` when HubSpot's Node 20 runtime supplies one. Permanent problems (a missing secret, a bad
 * email, a wrong secret, a missing scope) come back as `ok: false` with `errorCode` and the fix in
 * `errorMessage`; transient ones (429, 5xx, no answer within the budget) are thrown as an axios-like
 * {@link RetryableActionError} so HubSpot re-runs the action later.
 *
 * The client (and so its access token) lives in this closure: created on the first execution, reused
 * by every warm execution of the same Lambda, and replaced when the secrets change.
 */
export function hubspotCustomCodeAction(options: CustomCodeActionOptions = {}): CustomCodeHandler {
  const config = resolveActionOptions(options);
  let cached: { key: string; transport: Transport } | undefined;

  const clientFor = (clientId: string, clientSecret: string, baseUrl: string): Transport => {
    const key = `${baseUrl}\n${clientId}\n${clientSecret}`;
    if (cached?.key !== key) {
      const { transport } = clientTransport({
        clientId,
        clientSecret,
        baseUrl,
        env: {},
        timeoutMs: config.attemptTimeoutMs,
        maxRetries: config.maxRetries,
        ...(config.fetch ? { fetch: config.fetch } : {}),
      });
      cached = { key, transport };
    }
    return cached.transport;
  };

  const run = async (event: HubSpotActionEvent): Promise<CustomCodeResult> => {
    const deadline = Date.now() + config.budgetMs;
    const env = config.env();
    const clientId = env[SECRET_CLIENT_ID]?.trim();
    const clientSecret = env[SECRET_CLIENT_SECRET]?.trim();
    const missing = [clientId ? undefined : SECRET_CLIENT_ID, clientSecret ? undefined : SECRET_CLIENT_SECRET].filter((s): s is string => s !== undefined);
    if (missing.length) {
      const names = missing.join(' and ');
      return failureOutputs('missing_secret', `The secret${missing.length > 1 ? 's' : ''} ${names} ${missing.length > 1 ? 'are' : 'is'} not available to this action: add ${missing.length > 1 ? 'them' : 'it'} in the Custom code action's Secrets panel and tick ${missing.length > 1 ? 'them' : 'it'} for this action (HubSpot only passes ticked secrets to the code). The values come from FML → Compliance Configuration → Public Pull API.`);
    }

    let mapped: ReturnType<typeof mapCompany>;
    try {
      mapped = mapCompany(inputsOf(event, config.mapping), config.mapping);
    } catch (error) {
      if (error instanceof FmlError) return failureOutputs(error.code, error.message);
      throw error;
    }

    let transport: Transport;
    try {
      transport = clientFor(clientId!, clientSecret!, env[SECRET_BASE_URL]?.trim() || DEFAULT_BASE_URL);
    } catch (error) {
      if (error instanceof FmlConfigError) return failureOutputs(error.code, `The ${SECRET_BASE_URL} secret is not usable: ${error.message} Remove it to use FML production, or set it to FML's https:// address.`);
      throw error;
    }

    try {
      const remaining = Math.max(1, deadline - Date.now());
      // What `fml.cases.create` sends; mapCompany has already validated the body and the key.
      const res = await transport.send<Case>(
        { method: 'POST', path: '/v1/cases', json: mapped.request, idempotencyKey: mapped.idempotencyKey, auth: true },
        { deadlineMs: remaining, timeoutMs: Math.min(config.attemptTimeoutMs, remaining) },
      );
      return successOutputs(res.data, replayedFrom(res.status, res.headers.get('idempotent-replay')));
    } catch (error) {
      if (isTransient(error)) throw new RetryableActionError(error, mapped.idempotencyKey);
      if (isReplayedRejection(error)) return failureOutputs(STUCK_KEY_CODE, stuckKey(error, mapped, config.mapping));
      if (error instanceof FmlError) return failureOutputs(error.code, explain(error, mapped.request, config.mapping));
      return failureOutputs('unexpected_error', `The FML action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  // One declared parameter (`main.length === 1`): a runtime that tells Node 20 callback handlers from
  // Node 24 returning ones by counting parameters must see a returning one. A callback passed anyway is
  // still called.
  return async function main(event: HubSpotActionEvent, ...rest: unknown[]): Promise<CustomCodeResult> {
    const callback = rest[0];
    let result: CustomCodeResult;
    try {
      result = scrub(await run(event ?? {}), secretsOf(config.env()));
    } catch (error) {
      if (error instanceof RetryableActionError) config.log(`FML: ${error.code} (HTTP ${error.status}); throwing so HubSpot re-runs this action later (Idempotency-Key ${error.idempotencyKey}).`);
      throw error;
    }
    const o = result.outputFields;
    config.log(o.ok ? `FML: case ${o.caseId} for this Company (replayed: ${o.replayed}, status: ${o.status}).` : `FML: not started (${o.errorCode}): ${o.errorMessage}`);
    // Node 20 actions finish through the callback; Node 24 ones through the returned value.
    if (typeof callback === 'function') callback(result);
    return result;
  };
}

/** The event's inputs, with the enrolled Company's own id standing in when the id input is unset. */
function inputsOf(event: HubSpotActionEvent, mapping: ResolvedCompanyMapping): unknown {
  const fields = ownInput(event, 'inputFields');
  const idName = mapping.inputs.companyId;
  const given = ownInput(fields, idName);
  const object = ownInput(event, 'object');
  const objectType = ownInput(object, 'objectType');
  const objectId = ownInput(object, 'objectId');
  const isCompany = objectType === undefined || (typeof objectType === 'string' && /^(company|companies|0-2)$/i.test(objectType));
  if ((given === undefined || given === '') && isCompany && (typeof objectId === 'number' || typeof objectId === 'string')) {
    // A fresh object with the id defined on it: `fields` itself is never written to.
    const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const keys = typeof fields === 'object' && fields !== null ? Object.keys(fields).filter((k) => k !== idName) : [];
    for (const k of keys) Object.defineProperty(copy, k, { value: (fields as Record<string, unknown>)[k], enumerable: true });
    Object.defineProperty(copy, idName, { value: objectId, enumerable: true });
    return copy;
  }
  return fields;
}

/** errorCode of a 400 that FML replays under the key: it starts like `validation_error`, so a branch on that prefix still matches. */
const STUCK_KEY_CODE = 'validation_error_replayed';

/** A 400 FML sent as a replay (`Idempotent-Replay: true`): the key holds a rejection, whatever the data now is. */
function isReplayedRejection(error: unknown): error is ValidationError {
  return error instanceof ValidationError && error.source === 'server' && error.headers['idempotent-replay']?.trim().toLowerCase() === 'true';
}

/** The message for a stuck key: what FML replayed, and the two steps that get the Company a case. */
function stuckKey(error: ValidationError, mapped: { request: object; idempotencyKey: string }, mapping: ResolvedCompanyMapping): string {
  const rid = error.requestId ? ` (FML request id ${error.requestId})` : '';
  const fields = error.fields.map((f) => relabel(f, mapped.request, mapping).message);
  const next = mapping.keySuffix ? `a suffix other than "${mapping.keySuffix}"` : '"v2"';
  return (
    `FML replayed its first answer to this Company, a 400 (Idempotent-Replay: true): Idempotency-Key ${mapped.idempotencyKey} is stuck, and re-runs with it fail even with fixed data. ` +
    `Reason: ${fields.length ? fields.join('; ') : error.message}. To recover: fix the Company, set FML_ACTION_OPTIONS.idempotencyKeySuffix to ${next} (a new key; Companies that have a case keep it, FML matches crmRecordId), then re-enrol it.${rid}`
  );
}

/** The admin-facing message for a permanent failure: what happened and what to change in HubSpot or FML. */
function explain(error: FmlError, request: object, mapping: ResolvedCompanyMapping): string {
  const rid = (error as { requestId?: string }).requestId;
  const ref = rid ? ` (FML request id ${rid})` : '';
  switch (error.code) {
    case 'invalid_client':
      return `FML rejected the client credentials (401 invalid_client): the ${SECRET_CLIENT_SECRET} secret is wrong or stale, or ${SECRET_CLIENT_ID} names another client. Copy the client secret again from FML (Compliance Configuration → Public Pull API) into the ${SECRET_CLIENT_SECRET} secret.${ref}`;
    case 'insufficient_scope':
      return `The FML API client in ${SECRET_CLIENT_ID} lacks the cases:write scope (403 insufficient_scope). Extend its scopes, or mint a new client with cases:write, in FML (Compliance Configuration → Public Pull API), then update the action's secrets.${ref}`;
    case 'authentication_error':
      return `FML did not accept the access token even after minting a fresh one: the API client may have been revoked. Mint a new client in FML and update the action's secrets.${ref}`;
    case 'idempotency_key_conflict':
      return `FML says the Idempotency-Key for this Company was used before on a different endpoint (409 idempotency_key_conflict): another integration shares the "hubspot-<id>" key scheme. Give FML support the request id.${ref}`;
    case 'validation_error': {
      if (error instanceof ValidationError && error.source === 'server') {
        const fields = error.fields.map((f) => relabel(f, request, mapping).message);
        return `FML rejected this Company's data (400 validation_error): ${fields.length ? fields.join('; ') : error.message}. Fix the Company's properties, then re-enrol it (a re-run reporting ${STUCK_KEY_CODE} says how to move to a new key).${ref}`;
      }
      return error.message;
    }
    default:
      return `${error.message}${ref}`;
  }
}

/** Defence in depth: no output may carry a secret, whatever an upstream message held. */
function scrub(result: CustomCodeResult, secrets: string[]): CustomCodeResult {
  const o = result.outputFields as unknown as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v === 'string') o[key] = secrets.reduce((s, secret) => s.split(secret).join('***'), v);
  }
  return result;
}

function secretsOf(env: Record<string, string | undefined>): string[] {
  const s = env[SECRET_CLIENT_SECRET]?.trim();
  // Very short values would blank out ordinary words; real secrets are long.
  return s && s.length >= 8 ? [s] : [];
}

function resolveActionOptions(options: CustomCodeActionOptions): ResolvedActionOptions {
  const num = (name: 'budgetMs' | 'attemptTimeoutMs' | 'maxRetries', fallback: number, min: number): number => {
    const v = options[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new FmlConfigError(`hubspotCustomCodeAction: ${name} must be a number ≥ ${min}, got ${String(v)}.`);
    return v;
  };
  const budgetMs = num('budgetMs', 15_000, 1);
  if (budgetMs > 19_000) throw new FmlConfigError(`hubspotCustomCodeAction: budgetMs must leave headroom under HubSpot's 20 s limit (at most 19000), got ${budgetMs}.`);
  const attemptTimeoutMs = Math.min(num('attemptTimeoutMs', Math.round(budgetMs / 2), 1), budgetMs);
  const maxRetries = num('maxRetries', 2, 0);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new FmlConfigError('hubspotCustomCodeAction: fetch must be a function.');
  if (options.log !== undefined && options.log !== false && typeof options.log !== 'function') throw new FmlConfigError('hubspotCustomCodeAction: log must be a function or false.');
  const given = options.env;
  const env = () => given ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const log = options.log === false ? () => {} : (options.log ?? ((line: string) => console.log(line)));
  return { mapping: resolveCompanyMapping(options), budgetMs, attemptTimeoutMs, maxRetries, env, fetch: options.fetch, log };
}
