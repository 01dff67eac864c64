import { checkBaseUrl, DEFAULT_BASE_URL, tokenTransport } from '../../internal/engine/fml';
import type { LogFn } from '../../internal/engine/logger';
import type { Transport } from '../../internal/engine/fml-transport';
import { createCase } from '../../internal/resources/cases';
import { FmlConfigError, FmlError } from '../../errors';
import {
  mapCompany,
  resolveCompanyMapping,
  type CompanyToCaseOptions,
  type ResolvedCompanyMapping,
} from '../company/company-to-case';
import { ownInput } from '../company/inputs';
import { explain, isReplayedRejection, STUCK_KEY_CODE, stuckKey, unusableSecret } from './failure-messages';
import { failureOutputs, successOutputs, type CustomCodeResult } from './outputs';
import { isTransient, RetryableActionError } from './retry-error';
import { SECRET_BASE_URL, SECRET_CLIENT_ID, SECRET_CLIENT_SECRET, SECRET_REDIS_URL } from './secret-names';
import { secretsBudget, secretsCapMessage } from './secrets-cap';
import { sharedRedisOf } from './shared-redis';

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
   * Where the secrets `FML_CLIENT_ID`, `FML_CLIENT_SECRET` and (optional) `FML_BASE_URL` and
   * `REDIS_URL` are read from, on every execution. With `REDIS_URL` (redis:// or rediss:// for one server;
   * redis+cluster://host:port[,host:port...] or rediss+cluster:// for a Redis Cluster), every
   * Lambda running the action shares one FML token through that Redis (via the runtime's `redis`
   * package, loaded only then) instead of minting its own, and paces its requests on one budget of
   * FML's rate limit kept there: FML allows 30 token mints and 120 requests a minute per client.
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
  env: () => Record<string, string | undefined>;
  fetch: typeof globalThis.fetch | undefined;
  log: (line: string) => void;
}

const SECRETS_READ = [SECRET_CLIENT_ID, SECRET_CLIENT_SECRET, SECRET_BASE_URL, SECRET_REDIS_URL] as const;

/** The SDK logs nothing here (as a client without a logger): the action writes its own one line per run. */
const QUIET: LogFn = Object.assign(() => undefined, { enabled: () => false });

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
export function hubspotCustomCodeAction(options: CustomCodeActionOptions | null = {}): CustomCodeHandler {
  const config = resolveActionOptions(options);
  let cached: { key: string; transport: Transport } | undefined;

  // The npm client's own transport (engine and token cache), without the rest of FmlClient: the
  // settings are checked here already, and the paste-ready file then carries no openapi-fetch.
  const transportFor = (clientId: string, clientSecret: string, baseUrl: string, redisUrl: string): Transport => {
    const key = `${baseUrl}\n${clientId}\n${clientSecret}\n${redisUrl}`;
    if (cached?.key !== key) {
      // With REDIS_URL: one token and FML's rate limit shared by every Lambda running the action.
      const shared = redisUrl ? sharedRedisOf(redisUrl, config.log, config.budgetMs) : undefined;
      const transport = tokenTransport(
        {
          clientId,
          clientSecret,
          baseUrl,
          fetch: config.fetch ?? globalThis.fetch,
          timeoutMs: config.attemptTimeoutMs,
          maxRetries: config.maxRetries,
          ...(shared ? { tokenStore: shared.tokenStore } : {}),
        },
        QUIET,
        shared?.pacer(clientId),
      );
      cached = { key, transport };
    }
    return cached.transport;
  };

  const run = async (event: HubSpotActionEvent): Promise<CustomCodeResult> => {
    const deadline = Date.now() + config.budgetMs;
    const env = config.env();
    // HubSpot caps one action's secrets at 1,000 characters in total: past it, say so instead of failing
    // later as a wrong secret.
    const budget = secretsBudget(env, SECRETS_READ);
    if (budget.state === 'over') return failureOutputs('secrets_too_long', secretsCapMessage(budget));
    const result = await runWith(env, event, deadline);
    if (budget.state === 'near') {
      config.log(`FML: ${secretsCapMessage(budget)}`);
      if (!result.outputFields.ok)
        return failureOutputs(
          result.outputFields.errorCode,
          `${result.outputFields.errorMessage} ${secretsCapMessage(budget)}`,
        );
    }
    return result;
  };

  const runWith = async (
    env: Record<string, string | undefined>,
    event: HubSpotActionEvent,
    deadline: number,
  ): Promise<CustomCodeResult> => {
    const clientId = env[SECRET_CLIENT_ID]?.trim();
    const clientSecret = env[SECRET_CLIENT_SECRET]?.trim();
    const missing = [clientId ? undefined : SECRET_CLIENT_ID, clientSecret ? undefined : SECRET_CLIENT_SECRET].filter(
      (s): s is string => s !== undefined,
    );
    if (!clientId || !clientSecret) {
      const [s, are, them] = missing.length > 1 ? ['s', 'are', 'them'] : ['', 'is', 'it'];
      return failureOutputs(
        'missing_secret',
        `The secret${s} ${missing.join(' and ')} ${are} not available to this action: add ${them} in the Custom code action's Secrets panel and tick ${them} for this action (HubSpot only passes ticked secrets to the code). The values come from FML → Compliance Configuration → Public Pull API.`,
      );
    }

    let mapped: ReturnType<typeof mapCompany>;
    try {
      mapped = mapCompany(inputsOf(event, config.mapping), config.mapping);
    } catch (error) {
      if (error instanceof FmlError) return failureOutputs(error.code, error.message);
      throw error;
    }

    let transport: Transport;
    const redisUrl = env[SECRET_REDIS_URL]?.trim() ?? '';
    try {
      if (redisUrl) sharedRedisOf(redisUrl, config.log, config.budgetMs); // its FmlConfigError is about REDIS_URL, not FML_BASE_URL
    } catch (error) {
      return unusableSecret(
        SECRET_REDIS_URL,
        error,
        "Remove it (each Lambda then mints its own FML token), or set it to your Redis server's redis:// or rediss:// URL (redis+cluster://host:port,... for a Redis Cluster).",
      );
    }
    try {
      transport = transportFor(
        clientId,
        clientSecret,
        checkBaseUrl(env[SECRET_BASE_URL]?.trim() || DEFAULT_BASE_URL),
        redisUrl,
      );
    } catch (error) {
      return unusableSecret(
        SECRET_BASE_URL,
        error,
        "Remove it to use FML production, or set it to FML's https:// address.",
      );
    }

    try {
      const remaining = Math.max(1, deadline - Date.now());
      // `new FmlClient().cases.create` itself (it delegates to createCase): validation, the key on every retry, `replayed`.
      const res = await createCase(transport, mapped.request, {
        idempotencyKey: mapped.idempotencyKey,
        deadlineMs: remaining,
        timeoutMs: Math.min(config.attemptTimeoutMs, remaining),
      });
      return successOutputs(res.case, res.replayed);
    } catch (error) {
      if (isTransient(error)) throw new RetryableActionError(error, mapped.idempotencyKey);
      if (isReplayedRejection(error)) return failureOutputs(STUCK_KEY_CODE, stuckKey(error, mapped, config.mapping));
      if (error instanceof FmlError) return failureOutputs(error.code, explain(error, mapped.request, config.mapping));
      return failureOutputs(
        'unexpected_error',
        `The FML action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      );
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
      if (error instanceof RetryableActionError)
        config.log(
          `FML: ${error.code} (HTTP ${error.status}); throwing so HubSpot re-runs this action later (Idempotency-Key ${error.idempotencyKey}).`,
        );
      throw error;
    }
    const o = result.outputFields;
    config.log(
      o.ok
        ? `FML: case ${o.caseId} for this Company (replayed: ${o.replayed}, status: ${o.status}).`
        : `FML: not started (${o.errorCode}): ${o.errorMessage}`,
    );
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
  const isCompany =
    objectType === undefined || (typeof objectType === 'string' && /^(company|companies|0-2)$/i.test(objectType));
  if (
    (given === undefined || given === '') &&
    isCompany &&
    (typeof objectId === 'number' || typeof objectId === 'string')
  ) {
    // A fresh object: `fields` itself is never written to. Spread and a computed key both define own
    // properties, so even a `__proto__` input or id name cannot reach a prototype.
    return { ...(typeof fields === 'object' ? fields : undefined), [idName]: objectId };
  }
  return fields;
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
  // Very short values would blank out ordinary words; real secrets are long. A Redis URL may hold a password.
  return [env[SECRET_CLIENT_SECRET]?.trim(), env[SECRET_REDIS_URL]?.trim()].filter(
    (s): s is string => !!s && s.length >= 8,
  );
}

function resolveActionOptions(raw: CustomCodeActionOptions | null): ResolvedActionOptions {
  // null reads as "no options"; resolveCompanyMapping refuses any other non-object.
  const options: CustomCodeActionOptions = raw ?? {};
  const mapping = resolveCompanyMapping(options);
  const bad = (problem: string) => new FmlConfigError(`hubspotCustomCodeAction: ${problem}`);
  const num = (name: 'budgetMs' | 'attemptTimeoutMs' | 'maxRetries', fallback: number, min: number): number => {
    const v = options[name];
    if (v === undefined) return fallback;
    const whole = name === 'maxRetries';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (whole && !Number.isInteger(v)))
      throw bad(
        `${name} must be a ${whole ? 'whole ' : ''}number ≥ ${min}, got ${typeof v === 'number' ? v : typeof v}.`,
      );
    return v;
  };
  const budgetMs = num('budgetMs', 15_000, 1);
  if (budgetMs > 19_000)
    throw bad(`budgetMs must leave headroom under HubSpot's 20 s limit (at most 19000), got ${budgetMs}.`);
  const attemptTimeoutMs = Math.min(num('attemptTimeoutMs', Math.round(budgetMs / 2), 1), budgetMs);
  const maxRetries = num('maxRetries', 2, 0);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw bad('fetch must be a function.');
  if (options.log !== undefined && options.log !== false && typeof options.log !== 'function')
    throw bad('log must be a function or false.');
  const given = options.env;
  const env = () =>
    given ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const log = options.log === false ? () => {} : (options.log ?? ((line: string) => console.log(line)));
  return { mapping, budgetMs, attemptTimeoutMs, maxRetries, env, fetch: options.fetch, log };
}
