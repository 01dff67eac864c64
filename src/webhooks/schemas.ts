import * as z from 'zod/mini';
import { isJsonInteger, isRfc3339DateTime } from '../internal/validation/json-values';

// One zod/mini schema per event in the `webhooks` section of openapi.yaml (zod/mini, not zod, keeps
// bundles that include this subpath small), field by field as FML's published schemas say
// (fml-api.md §7). Every object is loose: FML adds fields inside v1, so unknown fields pass through.
// Enum-like fields are open: known values are offered to the editor, and any other string is
// accepted, because FML may add values without a new version. These schemas and the JSON Schemas
// generated from openapi.yaml are held to each other both ways by test/contract/schema-parity.test.ts.

/** A string whose known values are listed for autocompletion; any other string is valid too. */
const open = <Known extends string>() => z.string() as unknown as z.ZodMiniType<Known | (string & {})>;
/** An optional field that FML may also send as null. */
const maybe = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));
/** Any JSON value, but present (the shape is not published). */
const anyJson = z.custom<unknown>((value) => value !== undefined, 'is required');
/** RFC 3339 in full (`format: date-time`): any case of `T`/`Z`, leap seconds, any fraction, offsets. */
const dateTime = z.string().check(z.refine(isRfc3339DateTime, { abort: true, params: { format: 'date-time' } }));
/** `type: integer` with no maximum: past 2^53 the number JSON gave is kept, never refused. */
const integer = z.custom<number>(isJsonInteger, { params: { expected: 'integer' } });
const count = integer.check(z.gte(0));

type CaseStatus = 'in-progress' | 'approved' | 'declined' | 'pending_senior' | 'returned';
type Recommendation = 'approve' | 'decline' | 'refer';

/** The fields every event carries; an event name the SDK does not know parses with these. */
export const webhookEventCommonSchema = z.looseObject({
  event: z.string(),
  // Only an idempotency key to the receiver, so its uuid format is not enforced.
  eventId: z.string().check(z.minLength(1)),
  eventVersion: integer.check(z.gte(1)),
  timestamp: dateTime,
  orgId: z.string(),
  caseId: z.string(),
  crmRecordId: maybe(z.string()),
  crmSource: maybe(z.string()),
  companyName: maybe(z.string()),
});

const event = <Name extends string, Shape extends z.core.$ZodLooseShape>(name: Name, shape: Shape) =>
  z.extend(webhookEventCommonSchema, { event: z.literal(name), ...shape });

export const caseCreatedSchema = event('case.created', {
  source: open<'manual' | 'doc_upload' | 'application_form' | 'api'>(),
  companyNumber: maybe(z.string()),
  country: maybe(z.string()),
  customerEmail: maybe(z.string()),
  /** The analyst's email, only on manual creation; never null. */
  createdBy: z.optional(z.string()),
});

export const caseSubmittedSchema = event('case.submitted', {});

export const caseStatusChangedSchema = event('case.status.changed', {
  status: open<CaseStatus>(),
  previousStatus: z.nullable(open<CaseStatus>()),
  changedBy: maybe(z.string()),
  recommendation: maybe(open<Recommendation>()),
});

export const caseDecisionMadeSchema = event('case.decision.made', {
  status: z.optional(open<Exclude<CaseStatus, 'in-progress'>>()),
  decision: z.optional(open<Recommendation>()),
  decidedAt: z.optional(dateTime),
});

export const caseOnboardingProgressChangedSchema = event('case.onboarding_progress.changed', {
  stage: open<
    | 'created'
    | 'invite_sent'
    | 'collecting_documents'
    | 'application_submitted'
    | 'in_screening'
    | 'awaiting_id_verification'
    | 'decision_made'
  >(),
  stageLabel: z.string(),
  roster: anyJson,
  summary: anyJson,
});

export const screeningSummaryEntrySchema = z.looseObject({
  name: z.string(),
  /** Always present; null for the company row. */
  role: z.nullable(z.string()),
  status: open<'clear' | 'match' | 'pep' | 'sanctioned'>(),
});

export const screeningCompletedSchema = event('screening.completed', {
  screened: count,
  summary: z.array(screeningSummaryEntrySchema),
});

export const screeningHitDetectedSchema = event('screening.hit.detected', {
  /** The vendor's entity id, or `ca:<slug>`. */
  hitId: z.string(),
  /** Onboarding screening or ongoing monitoring. */
  source: z.string(),
  /** Null for ongoing-monitoring hits. */
  subjectId: maybe(z.string()),
  subjectName: maybe(z.string()),
});

/** The AI disposition of a screening hit (not an analyst's); its fields are not published. */
export const screeningHitTriagedSchema = event('screening.hit.triaged', {});

export const aiRiskFactorSchema = z.looseObject({
  text: z.string(),
  /** Upper case; FML's list was readable up to `HIGH`, `MED…`. */
  severity: open<'HIGH' | 'MEDIUM' | 'MED' | 'LOW'>(),
});

export const aiReviewCompletedSchema = event('ai_review.completed', {
  reviewId: integer,
  recommendation: open<'Approve' | 'Refer' | 'Decline'>(),
  confidence: open<'High' | 'Medium' | 'Low'>(),
  riskFactorCount: count,
  riskFactors: z.array(aiRiskFactorSchema),
  completedAt: dateTime,
  /** An analyst's email, or `system:form-submission:<email>` / `system:confirm-review:<email>`. */
  triggeredBy: z.optional(z.string()),
});

/** Carries special-category personal data: never log it. */
export const caseDataPackageDeliveredSchema = event('case.data_package.delivered', {
  /** Required, shape past the readable part of FML's schema (typically an RFC 3339 string): any JSON. */
  decidedAt: anyJson,
  outcome: anyJson,
  fullParity: anyJson,
});

/** One field the customer amended (`data.corrected` from `customer_review`). */
export const dataAmendmentSchema = z.looseObject({
  section: z.string(),
  field: z.string(),
  originalValue: z.optional(z.unknown()),
  correctedValue: z.optional(z.unknown()),
});

/**
 * FML's schema is a `oneOf` per `source`; read here as one object whose per-source fields are
 * optional, so a newer source still parses. `customer_review`: `amendmentCount`, `amendments`;
 * `analyst_override`: `documentId`, `field` (`document_status`), `originalValue` (typically `error`).
 */
export const dataCorrectedSchema = event('data.corrected', {
  source: open<'customer_review' | 'analyst_override'>(),
  amendmentCount: z.optional(count),
  amendments: z.optional(z.array(dataAmendmentSchema)),
  documentId: z.optional(integer),
  field: z.optional(open<'document_status'>()),
  originalValue: z.optional(z.nullable(z.string())),
});

/** Every known event's schema, by event name. */
export const knownEventSchemas = {
  'case.created': caseCreatedSchema,
  'case.submitted': caseSubmittedSchema,
  'case.status.changed': caseStatusChangedSchema,
  'case.decision.made': caseDecisionMadeSchema,
  'case.onboarding_progress.changed': caseOnboardingProgressChangedSchema,
  'screening.completed': screeningCompletedSchema,
  'screening.hit.detected': screeningHitDetectedSchema,
  'screening.hit.triaged': screeningHitTriagedSchema,
  'ai_review.completed': aiReviewCompletedSchema,
  'case.data_package.delivered': caseDataPackageDeliveredSchema,
  'data.corrected': dataCorrectedSchema,
} as const;

/** The fields every FML event carries (`event`, `eventId`, `eventVersion`, `timestamp`, `orgId`, `caseId`, and the CRM fields when set); unknown fields pass through. */
export type WebhookEventCommon = z.infer<typeof webhookEventCommonSchema>;
/** `case.created`: a case was opened, by an analyst, from uploaded documents, an application form or the API (`source`, an open set). */
export type CaseCreatedEvent = z.infer<typeof caseCreatedSchema>;
/** `case.submitted`: the customer submitted their onboarding. */
export type CaseSubmittedEvent = z.infer<typeof caseSubmittedSchema>;
/** `case.status.changed`: the case moved to a new `status` (an open set) from `previousStatus` (null for the first one). */
export type CaseStatusChangedEvent = z.infer<typeof caseStatusChangedSchema>;
/** `case.decision.made`: the case was decided (`decision`, the resulting `status`, `decidedAt`). */
export type CaseDecisionMadeEvent = z.infer<typeof caseDecisionMadeSchema>;
/** `case.onboarding_progress.changed`: a CRM-safe snapshot of the onboarding stage and each person's coarse verification status (no other personal data). */
export type CaseOnboardingProgressChangedEvent = z.infer<typeof caseOnboardingProgressChangedSchema>;
/** One screened party in `screening.completed`: its `name`, `role` (null for the company itself) and `status` (`clear`, `match`, `pep`, `sanctioned`, an open set). */
export type ScreeningSummaryEntry = z.infer<typeof screeningSummaryEntrySchema>;
/** `screening.completed`: screening ran over `screened` parties, with a `summary` row each. In older payloads `timestamp` is the screening time, not the emission time: do not order events by it alone. */
export type ScreeningCompletedEvent = z.infer<typeof screeningCompletedSchema>;
/** `screening.hit.detected`: one new sanctions or PEP hit (`hitId`, a string), from onboarding screening or ongoing monitoring (told apart by `source`). */
export type ScreeningHitDetectedEvent = z.infer<typeof screeningHitDetectedSchema>;
/** `screening.hit.triaged`: the AI's disposition of a hit (not an analyst's). */
export type ScreeningHitTriagedEvent = z.infer<typeof screeningHitTriagedSchema>;
/** One risk factor of an AI review: its `text` and `severity` (upper case: `HIGH`, `MEDIUM` or `MED`, `LOW`; an open set). */
export type AiRiskFactor = z.infer<typeof aiRiskFactorSchema>;
/** `ai_review.completed`: an AI review finished, with its `recommendation`, `confidence` and `riskFactors`. */
export type AiReviewCompletedEvent = z.infer<typeof aiReviewCompletedSchema>;
/** `case.data_package.delivered`: the decision-time data package (special-category personal data). Its 2xx acknowledgement lets FML purge the data, so persist it before answering 2xx. */
export type CaseDataPackageDeliveredEvent = z.infer<typeof caseDataPackageDeliveredSchema>;
/** One correction a customer made in review: `section`, `field`, and the `originalValue` and `correctedValue` (any JSON). */
export type DataAmendment = z.infer<typeof dataAmendmentSchema>;
/** `data.corrected`: data was corrected, by the customer in review (`amendments`) or by an analyst overriding a document's status (`documentId`, `field`, `originalValue`). */
export type DataCorrectedEvent = z.infer<typeof dataCorrectedSchema>;

/** The name of an event this SDK version knows. */
export type KnownEventName = keyof typeof knownEventSchemas;

/** One of the events this SDK version knows; `switch (event.event)` narrows it. */
export type KnownWebhookEvent = { [Name in KnownEventName]: z.infer<(typeof knownEventSchemas)[Name]> }[KnownEventName];

/** An event newer than this SDK version: the common fields are typed, the rest passes through. */
export type UnknownWebhookEvent = WebhookEventCommon;

/** Any event FML sends: a known one, or a newer one with the common fields. */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

/** The event type for an event name. */
export type WebhookEventOf<Name extends KnownEventName> = Extract<KnownWebhookEvent, { event: Name }>;
