import { FmlApiError, FmlError, RateLimitError, ValidationError } from '../../errors';
import type { Case } from '../../types';
import { type JsonAnswer, jsonAnswer } from '../../webhooks/http-adapter';
import { relabel } from '../company/case-request';
import { blocked, failure, success } from './answers';
import { readCompanyChoices } from './company-read';
import { completeSoon } from './complete';
import type { ActionContext } from './context';
import { isoDurationMs } from './duration';
import type { ParsedExecution } from './execution-request';
import type { FmlCasesApi } from './options';
import { type CaseOutcome, outcomeOfCase } from './outcome';
import { type CallbackRecord, type OutputFields, ownerPortal } from './store';
import { chosenProperties, EXECUTION_NAMES, type ExecutionCase, executionToCreateCase } from './to-case';

// One execution's run, after ./execute.ts verified it and made sure it runs once: the Company's case is
// created (or found), and the answer — SUCCESS, FAIL_CONTINUE, BLOCK or 429 "retry later" — is stored and given.

// FML refusing the app's own credentials: the operator must fix the configuration; HubSpot should retry.
const CREDENTIAL_CODES = new Set(['invalid_client', 'authentication_error', 'insufficient_scope', 'permission_denied']);
/** The answer's message when the execution store fails. */
export const STORE_UNAVAILABLE = 'The execution store is unavailable; retry later.';
/** The answer's message when the handler itself fails. */
export const INTERNAL_ERROR = 'The action handler failed; retry later (the retry cannot create a second case).';

/** One execution's run: from the request to the answer it stores and gives HubSpot. */
export class Execution {
  readonly #ctx: ActionContext;
  readonly #execution: ParsedExecution;
  /** Ids for `onError`. */
  readonly #about: { callbackId: string; portalId: string };
  readonly #createdAt: number;

  constructor(ctx: ActionContext, execution: ParsedExecution) {
    this.#ctx = ctx;
    this.#execution = execution;
    this.#about = { callbackId: execution.request.callbackId, portalId: execution.portalId };
    this.#createdAt = ctx.config.now();
  }

  async run(): Promise<JsonAnswer> {
    const ctx = this.#ctx;
    const { config } = ctx;
    const execution = this.#execution;
    const about = this.#about;
    if (execution.objectType.toUpperCase() !== 'COMPANY') {
      return this.#finish(
        failure(
          'unsupported_object_type',
          `This action works on Companies; it was run on a ${execution.objectType}. Use it in Company-based workflows.`,
        ),
      );
    }
    // The contact's email or name may live in a Company property the workflow chose (contactEmailProperty,
    // contactNameProperty) that HubSpot did not send along: read it from the CRM.
    const chosen = Object.values(chosenProperties(execution)).filter(
      (p) => !Object.hasOwn(execution.request.object.properties ?? {}, p),
    );
    let chosenValues: Record<string, unknown> = {};
    if (chosen.length) {
      const read = await readCompanyChoices(
        config.endpoint,
        execution.portalId,
        execution.objectId,
        chosen,
        Math.min(5000, config.fmlDeadlineMs),
      );
      if (!read.ok) {
        ctx.report(read.error, { ...about, reason: read.reason, ...(read.retry ? { status: 429 } : {}) });
        if (read.retry) return ctx.retryLater(read.retry, read.message);
        return this.#finish(failure(read.reason, read.message));
      }
      chosenValues = read.values;
    }
    let mapped: ExecutionCase;
    try {
      mapped = executionToCreateCase(execution, {
        defaults: config.defaults,
        idempotencyKey: config.idempotencyKey,
        crmRecordId: config.crmRecordId,
        chosenValues,
      });
    } catch (error) {
      if (error instanceof ValidationError) return this.#finish(failure(error.code, error.message));
      throw error;
    }

    let fml: FmlCasesApi;
    try {
      fml = await config.fml(execution.portalId);
    } catch (error) {
      ctx.report(error, { ...about, reason: 'configuration_error', status: 429 });
      return ctx.retryLater(
        'configuration_error',
        "No FML client for this portal; the app's operator must fix it. Retry later.",
      );
    }
    let kase: Case;
    let replayed: unknown;
    try {
      const result = await fml.cases.create(mapped.request, {
        idempotencyKey: mapped.idempotencyKey,
        deadlineMs: config.fmlDeadlineMs,
      });
      kase = result.case;
      replayed = result.replayed;
    } catch (error) {
      return this.#fmlFailure(error, mapped);
    }
    if (replayed) {
      // FML hands back an existing case for this record id — possibly one another portal sharing this
      // FML tenant made for its own Company with the same id. Never answer with another portal's case.
      let owner: string | undefined;
      try {
        owner = ownerPortal(await config.store.findByCase(kase.caseId));
      } catch (error) {
        ctx.report(error, { ...about, caseId: kase.caseId, reason: 'store_failed', status: 429 });
        return ctx.retryLater('store_unavailable', STORE_UNAVAILABLE);
      }
      if (owner !== undefined && owner !== execution.portalId) {
        ctx.report(
          new FmlError(
            'cross_portal_conflict',
            `Case ${kase.caseId} (crmRecordId ${mapped.request.crmRecordId ?? ''}) belongs to portal ${owner}, not ${execution.portalId}.`,
          ),
          { ...about, caseId: kase.caseId, reason: 'cross_portal_conflict' },
        );
        return this.#finish(
          failure(
            'cross_portal_conflict',
            `FML already has a case for record id ${mapped.request.crmRecordId ?? ''} from another HubSpot portal connected to the same FML account, so none was created for this Company. Ask the app's operator to give each portal its own FML account or to set crmRecordId per portal.`,
          ),
        );
      }
    }
    const created = {
      caseId: kase.caseId,
      ...(typeof kase.customerPortalUrl === 'string' ? { customerPortalUrl: kase.customerPortalUrl } : {}),
    };

    if (!mapped.waitForDecision) {
      const decided = outcomeOfCase(kase, config.terminalStatuses);
      return this.#finish(success(kase, decided), created);
    }
    // An existing case may be decided already, and FML will not announce that decision again.
    let refreshed = false;
    if (replayed) {
      try {
        kase = await fml.cases.get(kase.caseId, { deadlineMs: config.fmlDeadlineMs });
        refreshed = true;
      } catch (error) {
        ctx.report(error, { ...about, caseId: kase.caseId, reason: 'fml_refresh_failed' });
      }
    }
    // A fresh read (the create's answer, or the refresh) beats a remembered event: memory stands in only
    // when the read failed. `block` looks once more, with the same rule.
    const decided =
      outcomeOfCase(kase, config.terminalStatuses) ??
      (replayed && !refreshed ? ctx.recentDecisions.get(kase.caseId) : undefined);
    if (decided) return this.#finish(success(kase, decided), created);
    const expiration =
      mapped.expirationDuration === undefined
        ? { duration: config.expirationDuration, ms: config.expirationMs }
        : { duration: mapped.expirationDuration, ms: isoDurationMs(mapped.expirationDuration) ?? config.expirationMs };
    return ctx.queue.run(kase.caseId, () => this.#block(fml, kase, created, expiration));
  }

  /** The record this execution's answer is remembered as. */
  #record(fields: OutputFields, extra: Partial<CallbackRecord> = {}): CallbackRecord {
    const { callbackId } = this.#about;
    const { portalId, objectId } = this.#execution;
    return {
      callbackId,
      portalId,
      objectId,
      createdAt: this.#createdAt,
      state: 'answered',
      answer: fields,
      forgetAt: this.#createdAt + this.#ctx.config.retentionMs,
      ...extra,
    };
  }

  /** Stores the answer, then gives it; a BLOCK the store could not hold is answered "retry later" instead. */
  async #finish(fields: OutputFields, extra: Partial<CallbackRecord> = {}): Promise<JsonAnswer> {
    const ctx = this.#ctx;
    const record = this.#record(fields, extra);
    try {
      await ctx.config.store.set(record);
    } catch (error) {
      // Without the record a BLOCK could never be completed: make HubSpot retry (the create replays).
      if (record.state === 'blocked') {
        ctx.report(error, { ...this.#about, caseId: record.caseId, reason: 'store_failed', status: 429 });
        return ctx.retryLater('store_unavailable', STORE_UNAVAILABLE);
      }
      ctx.report(error, { ...this.#about, caseId: record.caseId, reason: 'store_failed', status: 200 });
    }
    return jsonAnswer(200, { outputFields: fields });
  }

  /**
   * Stores the BLOCK, then looks once more: a decision that arrived while the record was being stored
   * found nothing to complete, and FML will not announce it again. Runs in the case's queue, so an
   * `onFmlEvent` pass either completes before (and is remembered) or after (and finds the record).
   */
  async #block(
    fml: FmlCasesApi,
    kase: Case,
    created: Partial<CallbackRecord>,
    expiration: { duration: string; ms: number },
  ): Promise<JsonAnswer> {
    const ctx = this.#ctx;
    const { config } = ctx;
    const blockExpiresAt = config.now() + expiration.ms;
    const blockedExtra: Partial<CallbackRecord> = {
      ...created,
      state: 'blocked',
      blockExpiresAt,
      forgetAt: blockExpiresAt,
    };
    const blockFields = blocked(expiration.duration);
    const answer = await this.#finish(blockFields, blockedExtra);
    if (answer.status !== 200) return answer;
    let latest: Case = kase;
    let decided: CaseOutcome | undefined;
    try {
      latest = await fml.cases.get(kase.caseId, { deadlineMs: config.fmlDeadlineMs });
      decided = outcomeOfCase(latest, config.terminalStatuses);
    } catch (error) {
      // Only when FML cannot be read does a remembered decision stand in; without one the BLOCK stands
      // and the decision's webhook (or its redelivery) completes it.
      decided = ctx.recentDecisions.get(kase.caseId);
      ctx.report(error, { ...this.#about, caseId: kase.caseId, reason: 'fml_refresh_failed' });
    }
    if (!decided) return answer;
    // HubSpot has not seen the BLOCK yet: answer with the outcome, once the store holds it too, so the
    // answer and the record never disagree.
    const fields = success(latest, decided);
    for (let attempt = 1; ; attempt++) {
      try {
        await config.store.set(this.#record(fields, created));
        return jsonAnswer(200, { outputFields: fields });
      } catch (error) {
        ctx.report(error, { ...this.#about, caseId: kase.caseId, reason: 'store_failed' });
        if (attempt >= 2) break;
      }
    }
    // The store still holds the BLOCK, and FML will not announce this decision again: answer what the
    // store holds, and complete the callback with the known outcome as soon as HubSpot has the BLOCK.
    completeSoon(ctx, this.#record(blockFields, blockedExtra), decided);
    return answer;
  }

  /** The answer for a create FML refused or could not take: retry later, or FAIL_CONTINUE for good. */
  #fmlFailure(error: unknown, mapped: ExecutionCase): Promise<JsonAnswer> | JsonAnswer {
    const ctx = this.#ctx;
    const about = this.#about;
    if (error instanceof RateLimitError) {
      ctx.report(error, { ...about, reason: 'fml_rate_limited', status: 429 });
      const seconds = error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return ctx.retryLater('fml_rate_limited', 'FML is throttling requests; retry later.', seconds);
    }
    const code = error instanceof FmlError ? error.code : undefined;
    if (code === 'server_error' || code === 'connection_error' || code === 'timeout' || code === 'aborted') {
      ctx.report(error, { ...about, reason: 'fml_unavailable', status: 429 });
      return ctx.retryLater(
        'fml_unavailable',
        'FML is unavailable; retry later (the retry cannot create a second case).',
      );
    }
    if (error instanceof ValidationError) {
      const fields = error.fields.map((f) => relabel(f, mapped.request, EXECUTION_NAMES));
      const list = fields.length ? fields.map((f) => f.message).join('; ') : error.message;
      return this.#finish(failure('validation_error', `FML rejected the case: ${list}`));
    }
    if (
      error instanceof FmlApiError &&
      (CREDENTIAL_CODES.has(error.code) || error.status === 401 || error.status === 403)
    ) {
      // The app's own FML client is misconfigured (wrong secret, missing scope): nothing about this
      // Company is wrong, so do not fail its workflow for good — alert the operator and let HubSpot retry.
      ctx.report(error, { ...about, reason: 'fml_credentials_rejected', status: 429 });
      return ctx.retryLater(
        'fml_credentials_rejected',
        `FML refused this app's API credentials (${error.code}); the app's operator must fix them. Retry later.`,
      );
    }
    if (error instanceof FmlApiError) {
      // FML said no for a reason retrying will not fix.
      ctx.report(error, { ...about, reason: error.code });
      return this.#finish(failure(error.code, error.message));
    }
    ctx.report(error, { ...about, reason: code ?? 'internal_error', status: 429 });
    return ctx.retryLater('internal_error', INTERNAL_ERROR);
  }
}
