import { FmlError } from '../../errors';
import { headersToRecord } from '../../internal/headers';
import { redactHeaders } from '../../internal/redact';

/**
 * HubSpot's API (CRM or automation) answered with an error status. `category` is HubSpot's own error category
 * (`VALIDATION_ERROR`, `OBJECT_NOT_FOUND`, `RATE_LIMIT`, ...). Holds no token: the request is never
 * attached, and HubSpot's message is copied with the token blanked out should it ever be echoed.
 */
export class HubSpotApiError extends FmlError {
  /** HTTP status HubSpot answered with. */
  readonly status: number;
  /** HubSpot's `category` (or `errorType` on rate limits), when sent. */
  readonly category: string | undefined;
  /** HubSpot's `correlationId`, to quote to HubSpot support. */
  readonly correlationId: string | undefined;
  /** For 429: HubSpot's `policyName` (`TEN_SECONDLY_ROLLING`, `DAILY`, ...). */
  readonly policyName: string | undefined;
  /** Worth another try later (429 other than the daily limit, 5xx). */
  readonly retryable: boolean;
  /**
   * HubSpot's response headers, lower-cased, scrubbed: cookies and anything named like a credential
   * are `***`, and the credential this call used is blanked out of every other value.
   */
  readonly headers: Record<string, string>;

  /**
   * `hints` says what a status means for this call (which scope a 403 needs differs between the CRM and
   * the automation API); statuses it leaves out get a generic hint.
   */
  constructor(init: {
    status: number;
    body: unknown;
    headers: Headers;
    what: string;
    secret?: string;
    hints?: Partial<Record<number, string>>;
  }) {
    const body = typeof init.body === 'object' && init.body !== null ? (init.body as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const category = str(body.category) ?? str(body.errorType);
    const policyName = str(body.policyName);
    const detail = str(body.message) ?? (typeof init.body === 'string' ? init.body.slice(0, 300) : undefined);
    const hint = init.hints?.[init.status] ?? HINTS[init.status] ?? '';
    const raw = `HubSpot answered ${init.status}${category ? ` ${category}` : ''} to ${init.what}.${detail ? ` HubSpot says: ${detail}` : ''}${hint ? ` ${hint}` : ''}`;
    super(codeFor(init.status), init.secret ? raw.split(init.secret).join('***') : raw);
    this.status = init.status;
    this.category = category;
    this.correlationId = str(body.correlationId);
    this.policyName = policyName;
    this.retryable = (init.status === 429 && policyName !== 'DAILY') || init.status >= 500;
    this.headers = scrubHeaders(headersToRecord(init.headers), init.secret);
  }
}

/** Headers kept on the error, so they reach logs and JSON: none may carry a token or a session cookie. */
function scrubHeaders(headers: Record<string, string>, secret: string | undefined): Record<string, string> {
  const out = redactHeaders(headers);
  if (secret) for (const [name, value] of Object.entries(out)) out[name] = value.split(secret).join('***');
  return out;
}

const HINTS: Record<number, string> = {
  401: 'The credential is wrong, expired or revoked.',
  403: 'The credential lacks a scope this call needs.',
  429: 'HubSpot rate limit reached.',
};

function codeFor(status: number): string {
  if (status === 401) return 'hubspot_unauthorized';
  if (status === 403) return 'hubspot_forbidden';
  if (status === 404) return 'hubspot_not_found';
  if (status === 409) return 'hubspot_conflict';
  if (status === 429) return 'hubspot_rate_limited';
  if (status === 400) return 'hubspot_validation_error';
  if (status >= 500) return 'hubspot_server_error';
  return 'hubspot_api_error';
}
