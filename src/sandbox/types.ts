import type { components } from '../../generated/openapi';

/**
 * The shapes the sandbox serves, taken from `openapi.yaml` (via `generated/openapi.ts`) and narrowed
 * where the sandbox always sends a field the contract leaves optional.
 */
type Schemas = components['schemas'];

/** A case as the create, get and list endpoints return it. */
export type SandboxCase = Schemas['Case'] &
  Required<
    Pick<
      Schemas['Case'],
      | 'customerEmail'
      | 'entityType'
      | 'crmRecordId'
      | 'crmSource'
      | 'source'
      | 'inviteSentAt'
      | 'customerPortalUrl'
      | 'analystUrl'
      | 'companyNumber'
      | 'createdAt'
      | 'updatedAt'
    >
  >;

/** The validated `POST /v1/cases` body (only the documented fields are kept). */
export type CreateCaseInput = Schemas['CreateCaseRequest'];

/** A flat webhook event (§5 of the contract): common fields plus the event's own. */
export type SandboxEvent = Schemas['WebhookEventCommon'] &
  Required<Pick<Schemas['WebhookEventCommon'], 'crmRecordId' | 'crmSource' | 'companyName'>> & { eventVersion: 1 };

/** `{ data, nextCursor, hasMore }`, the list envelope of cases and events. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** Every scope FML documents. Sandbox clients get all of them unless told otherwise. */
export const ALL_SCOPES = [
  'read:cases',
  'read:documents',
  'read:events',
  'read:decisions',
  'read:screening',
  'read:full_case',
  'cases:write',
] as const;

/** Onboarding stages of `case.onboarding_progress.changed`, in the order a case passes them. */
export const STAGES = [
  'created',
  'invite_sent',
  'collecting_documents',
  'application_submitted',
  'in_screening',
  'awaiting_id_verification',
  'decision_made',
] as const;
