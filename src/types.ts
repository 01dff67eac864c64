// The API's data types, straight from the generated OpenAPI types: never copied by hand.
import type { components, operations, paths } from '../generated/openapi';

/** The spec's types, as openapi-typescript generates them: `paths` for openapi-fetch's `createClient<paths>`, `components['schemas']` for every model, `operations` by operationId. */
export type { components, operations, paths };

/** A KYB case. Unknown fields from newer FML versions pass through. */
export type Case = components['schemas']['Case'];
/** The body of `POST /v1/cases`. */
export type CreateCaseRequest = components['schemas']['CreateCaseRequest'];
/** One page of `GET /v1/cases`. */
export type CaseList = components['schemas']['CaseList'];
/** One page of `GET /v1/events`. */
export type EventList = components['schemas']['EventList'];
/** An event from the events feed — the same objects as webhook payloads. */
export type FeedEvent = EventList['data'][number];
/** `POST /v1/oauth/token`'s answer. */
export type TokenResponse = components['schemas']['TokenResponse'];
/** FML's error body. */
export type ApiErrorBody = components['schemas']['ApiError'];

/** Case statuses FML is known to use. The set is open: any other string may arrive. */
export type KnownCaseStatus = 'in-progress' | 'approved' | 'declined' | 'pending_senior' | 'returned';

/** The body of `POST /v1/cases/{caseId}/screening/disposition` (inferred: FML has not published it). */
export type ScreeningDispositionRequest = components['schemas']['ScreeningDispositionRequest'];
/** A recorded screening disposition (inferred). */
export type ScreeningDisposition = components['schemas']['ScreeningDisposition'];
/** The body of `POST /api/cases/{caseId}/crm-record-id` (inferred). */
export type SetCrmRecordIdRequest = components['schemas']['SetCrmRecordIdRequest'];
