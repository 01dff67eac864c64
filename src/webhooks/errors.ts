import { FmlError } from '../errors';

// The errors of receiving FML webhooks: a delivery that does not verify, and a verified body that is
// not a valid FML event. Next to the webhooks that throw them; `FmlError` is their base like every SDK error.

/** Why a webhook signature check failed. */
export type WebhookVerificationReason =
  | 'missing_secret'
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'timestamp_too_old'
  | 'body_too_large'
  | 'body_timeout'
  | 'invalid_body'
  | (string & {});

/** A webhook did not verify: the body is not what FML signed with this secret. */
export class WebhookVerificationError extends FmlError {
  /** Why, as a stable code. */
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super('webhook_verification_failed', message);
    this.reason = reason;
  }
}

/** One problem found while parsing a webhook payload. */
export interface PayloadIssue {
  /** Dotted path into the payload, empty for the payload itself. */
  path: string;
  /** What is wrong there, readable by a person. */
  message: string;
}

/** A webhook body verified but is not a valid FML event (bad JSON, missing common field, ...). */
export class WebhookPayloadError extends FmlError {
  /** Every problem found, with its path. */
  readonly issues: PayloadIssue[];

  constructor(issues: PayloadIssue[], message?: string) {
    super(
      'webhook_payload_invalid',
      message ??
        `Invalid FML webhook payload: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
    this.issues = issues;
  }
}
