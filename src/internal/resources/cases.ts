import { FmlError, ValidationError, type FieldError } from '../../errors';
import type { RequestOptions, Transport } from '../engine/fml-transport';
import { assertIdempotencyKey, idempotencyKey } from '../../idempotency';
import type { Case, CaseList, CreateCaseRequest } from '../../types';
import { validateCreateCase } from '../validation/create-case';
import { CREATE_CASE_LIMITS } from '../validation/limits';
import { createCase as createCaseFacts, getCase, listCases, setCaseCrmRecordId } from '../../../generated/operations';
import { CursorList, toPage } from './pagination';
import { caseIdProblems, checkCaseId, checkText, path } from './path';
import { checkListParams, toQueryDate } from './list-params';

/** Options for {@link Cases.create}. */
export interface CreateCaseOptions extends RequestOptions {
  /**
   * The key that makes retries and re-runs safe: FML answers a repeated key with the original case.
   * Use `idempotencyKey.forCrmRecord('hubspot', companyId)` when the case belongs to a CRM record.
   * @default a random key, generated once before the first attempt and reused by every retry
   */
  idempotencyKey?: string;
}

/**
 * Whether the case already existed: `false` for a new case (201); `'idempotency-key'` when FML replayed
 * an earlier answer to the same key; `'crm-record-id'` when a case already existed for this `crmRecordId`.
 * Any other `Idempotent-Replay` value a newer FML sends is passed through as it is.
 */
export type Replayed = false | 'idempotency-key' | 'crm-record-id' | (string & {});

/** What {@link Cases.create} returns. */
export interface CreateCaseResult {
  case: Case;
  replayed: Replayed;
  /** 201 for a new case, 200 for an existing one. */
  status: number;
  /** The key that was sent (the generated one, when none was given). */
  idempotencyKey: string;
  requestId: string | undefined;
}

/** Filters for {@link Cases.list}. */
export interface ListCasesParams {
  /**
   * Only cases in this status (e.g. `in-progress`, `approved`).
   * @default any status
   */
  status?: string;
  /**
   * Only cases updated at or after this time: a Date, or an ISO 8601 string with an offset (or a plain date, read as UTC).
   * @default no lower bound
   */
  updatedSince?: Date | string;
  /**
   * Only cases created at or after this time (same forms as `updatedSince`).
   * @default no lower bound
   */
  createdSince?: Date | string;
  /**
   * Cases per page, 1 to 200.
   * @default 50 (FML's default)
   */
  limit?: number;
  /**
   * Start from this cursor (from an earlier page's `nextCursor`).
   * @default the first page
   */
  cursor?: string;
}

/** Options for {@link Cases.setCrmRecordId}. */
export interface SetCrmRecordIdOptions extends RequestOptions {
  /**
   * The lower-case origin system, e.g. `hubspot`.
   * @default not sent (FML keeps the case's current `crmSource`)
   */
  crmSource?: string;
}

/** `/v1/cases`: create, get and list KYB cases, and link one to a CRM record. */
export class Cases {
  readonly #transport: Transport;

  // Private, and made through `of`, which the published declarations leave out (marked internal): they
  // show a constructor no one can call rather than one taking the transport, which is not public.
  private constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** @internal What `FmlClient` makes `fml.cases` with. */
  static of(transport: Transport): Cases {
    return new Cases(transport);
  }

  /**
   * Creates a case and (with `sendInvite: true`) emails the customer their portal link. Validates the
   * body first — a bad one throws `ValidationError` and nothing is sent — and retries only with the
   * same Idempotency-Key, so a retry can never make a second case.
   *
   * When it fails after sending, the error carries `idempotencyKey`: retry with that key (it may be a
   * generated one) so that a case FML did create is returned instead of a second one being made.
   */
  create(body: CreateCaseRequest, options: CreateCaseOptions = {}): Promise<CreateCaseResult> {
    return createCase(this.#transport, body, options);
  }

  /** One case by id. A case of another tenant is a `NotFoundError`, like an unknown id. */
  async get(caseId: string, options: RequestOptions = {}): Promise<Case> {
    checkCaseId(caseId);
    return (
      await this.#transport.send<Case>(
        { method: 'GET', path: path`/v1/cases/${caseId}`, auth: true, operation: getCase },
        options,
      )
    ).data;
  }

  /**
   * Links an existing case to a CRM record (`POST /api/cases/{caseId}/crm-record-id` — `/api`, not
   * `/v1`): every later webhook carries the new `crmRecordId`. For cases made in FML's console, by a
   * document upload or an application form. Resolves with the updated case.
   *
   * FML names this endpoint but has not published its body, answer or scope: the SDK assumes
   * `{ crmRecordId, crmSource? }`, the updated case, and `cases:write` (`x-fml-inferred` in openapi.yaml).
   * Setting the same value twice is harmless, so the call is retried like a read.
   *
   * @example await fml.cases.setCrmRecordId('CS-2026-00471', String(companyId), { crmSource: 'hubspot' });
   */
  async setCrmRecordId(caseId: string, crmRecordId: string, options: SetCrmRecordIdOptions = {}): Promise<Case> {
    const { crmSource, ...requestOptions } = options;
    const fields = [
      ...caseIdProblems(caseId),
      ...checkText('crmRecordId', crmRecordId, { required: true, max: CREATE_CASE_LIMITS.crmRecordId }),
      ...checkText('crmSource', crmSource, { required: false, max: CREATE_CASE_LIMITS.crmSource }),
    ];
    if (fields.length) throw new ValidationError({ fields });
    const json = crmSource === undefined ? { crmRecordId } : { crmRecordId, crmSource };
    const req = {
      method: 'POST',
      path: path`/api/cases/${caseId}/crm-record-id`,
      json,
      auth: true,
      retrySafe: true,
      operation: setCaseCrmRecordId,
    } as const;
    return (await this.#transport.send<Case>(req, requestOptions)).data;
  }

  /**
   * Every case matching `params`, fetched page by page as you iterate:
   * `for await (const c of fml.cases.list({ status: 'approved' }))`, or `.firstPage()` for one page.
   */
  list(params: ListCasesParams = {}, options: RequestOptions = {}): CursorList<Case> {
    const problems: FieldError[] = checkListParams(params as Record<string, unknown>, ['updatedSince', 'createdSince']);
    if (problems.length) throw new ValidationError({ fields: problems });
    return new CursorList(async (cursor) => {
      const query = {
        limit: params.limit,
        cursor,
        status: params.status,
        updated_since: toQueryDate(params.updatedSince),
        created_since: toQueryDate(params.createdSince),
      };
      return toPage<Case>(
        await this.#transport.send<CaseList>(
          { method: 'GET', path: '/v1/cases', query, auth: true, operation: listCases },
          options,
        ),
      );
    }, params.cursor);
  }
}

/**
 * @internal What {@link Cases.create} does, as a function over a transport: the one implementation, also
 * called by the paste-ready HubSpot action (a function, unlike a class's other methods, leaves `get`,
 * `list` and their helpers out of that bundle).
 */
export async function createCase(
  transport: Transport,
  body: CreateCaseRequest,
  options: CreateCaseOptions = {},
): Promise<CreateCaseResult> {
  validateCreateCase(body);
  const key = assertIdempotencyKey(options.idempotencyKey ?? idempotencyKey.random());
  let res: Awaited<ReturnType<typeof transport.send<Case>>>;
  try {
    res = await transport.send<Case>(
      { method: 'POST', path: '/v1/cases', json: body, idempotencyKey: key, auth: true, operation: createCaseFacts },
      options,
    );
  } catch (error) {
    if (error instanceof FmlError) error.idempotencyKey = key;
    throw error;
  }
  return {
    case: res.data,
    replayed: replayedFrom(res.status, res.headers.get('idempotent-replay')),
    status: res.status,
    idempotencyKey: key,
    requestId: res.requestId,
  };
}

/** `replayed` from the status and the `Idempotent-Replay` header. */
export function replayedFrom(status: number, header: string | null): Replayed {
  const value = header?.trim().toLowerCase();
  if (value === 'true') return 'idempotency-key';
  if (value && value !== 'false' && value !== '0') return value;
  // A 200 to a create means the case already existed: that is FML's crm-record-id dedup.
  return status === 200 ? 'crm-record-id' : false;
}
