import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi';
import { clientTransport } from './internal/engine/fml';
import { fetchOver } from './internal/engine/fml-fetch';
import { operationOf } from './internal/engine/operation-of';
import type { FmlClientOptions } from './options';
import { INSPECT } from './internal/redact';
import { Cases } from './internal/resources/cases';
import { Events } from './internal/resources/events';
import { Screening } from './internal/resources/screening';

export { DEFAULT_BASE_URL } from './internal/engine/fml';
export type { FmlClientOptions } from './options';

/**
 * The FML Public Cases API client. Create one per process and reuse it: it caches the access token,
 * so thousands of calls cost one token mint (FML allows 30 mints a minute).
 *
 * @example
 * const fml = new FmlClient(); // FML_CLIENT_ID / FML_CLIENT_SECRET from the environment
 * const { case: kase, replayed } = await fml.cases.create(
 *   { customerEmail: 'jane@acme.example', companyName: 'Acme Ltd', crmRecordId: '123', crmSource: 'hubspot', sendInvite: true },
 *   { idempotencyKey: idempotencyKey.forCrmRecord('hubspot', '123') },
 * );
 */
export class FmlClient {
  /** `/v1/cases`: create, get, list. */
  readonly cases: Cases;
  /** `/v1/events`: the event feed. */
  readonly events: Events;
  /** Screening hits: record a disposition (`/v1/cases/{caseId}/screening/disposition`). */
  readonly screening: Screening;
  /** The API address in use. */
  readonly baseUrl: string;
  /** The API client id in use (not a secret). */
  readonly clientId: string;

  /**
   * Every operation in `openapi.yaml`, as an [openapi-fetch](https://openapi-ts.dev/openapi-fetch/) client
   * over this client's engine (token, retries, hooks, tracing): paths, parameters, bodies and answers are
   * typed from the spec. Resolves to `{ data, error, response }`; only a connection failure rejects.
   * A POST without an `Idempotency-Key` header gets a random one, so its retries cannot create twice.
   *
   * @example
   * const { data, error } = await fml.api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-1' } } });
   */
  readonly api: Client<paths>;

  constructor(options: FmlClientOptions = {}) {
    const { baseUrl, clientId, transport } = clientTransport(options);
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.cases = Cases.of(transport);
    this.events = Events.of(transport);
    this.screening = Screening.of(transport);
    this.api = createClient<paths>({ baseUrl, fetch: fetchOver(transport, operationOf) });
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { type: 'FmlClient', baseUrl: this.baseUrl, clientId: this.clientId };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. @internal (the symbol is internal) */
  [INSPECT](): string {
    return `FmlClient { baseUrl: '${this.baseUrl}', clientId: '${this.clientId}' }`;
  }
}
