import { FmlConfigError, FmlError } from '../../errors';
import { HubSpotApiError } from '../crm/errors';
import { createHubSpotSender } from '../crm/http';
import type { RetryLaterReason } from './retry-later';
import type { SignedEndpoint } from './signed-request';

/** What reading the chosen Company properties came to. */
export type CompanyChoicesRead =
  | { ok: true; values: Record<string, string | null> }
  | { ok: false; reason: string; message: string; error: unknown; retry?: RetryLaterReason };

const READ_HINT =
  "The portal's token lacks crm.objects.companies.read, which reading the Company property chosen for the contact needs: add the scope to the app and have the portal reinstall it.";

/**
 * Reads the Company properties an execution chose for the contact (`GET /crm/v3/objects/companies/{id}`)
 * with the portal's token. A try-later failure (HubSpot throttling or down, the token refused, no
 * token) comes back with `retry`; a Company HubSpot says does not exist is a permanent failure.
 */
export async function readCompanyChoices(
  endpoint: SignedEndpoint,
  portalId: string,
  objectId: string,
  names: readonly string[],
  deadlineMs: number,
): Promise<CompanyChoicesRead> {
  try {
    const token = await endpoint.accessToken(portalId);
    const send = createHubSpotSender(
      { accessToken: token },
      { ...endpoint.hubspotHttp, deadlineMs },
      { idempotent: () => true, forbiddenHint: () => READ_HINT },
    );
    const res = await send<{ properties?: Record<string, unknown> }>(
      'GET',
      `/crm/v3/objects/companies/${encodeURIComponent(objectId)}?properties=${names.map(encodeURIComponent).join(',')}`,
      undefined,
      `GET company ${objectId}`,
    );
    const values: Record<string, string | null> = {};
    for (const name of names) {
      const v = res.data?.properties && Object.hasOwn(res.data.properties, name) ? res.data.properties[name] : null;
      Object.defineProperty(values, name, { value: typeof v === 'string' ? v : null, enumerable: true });
    }
    return { ok: true, values };
  } catch (error) {
    if (error instanceof FmlConfigError)
      return {
        ok: false,
        reason: 'configuration_error',
        retry: 'configuration_error',
        error,
        message: `No HubSpot token for portal ${portalId}, which reading the Company property chosen for the contact needs; the app's operator must fix it. Retry later.`,
      };
    if (error instanceof HubSpotApiError) {
      if (error.status === 404)
        return {
          ok: false,
          reason: 'company_not_found',
          error,
          message: `HubSpot has no Company ${objectId} to read the contact's property from (deleted or merged?).`,
        };
      if (error.status === 401 || error.status === 403)
        return {
          ok: false,
          reason: 'hubspot_credentials_rejected',
          retry: 'hubspot_credentials_rejected',
          error,
          message: `HubSpot refused to let this app read Company ${objectId} (${error.status}); the app's operator must fix its token or scopes. Retry later.`,
        };
      if (!error.retryable && error.status !== 429)
        return {
          ok: false,
          reason: 'hubspot_refused',
          error,
          message: `HubSpot refused to read the chosen Company properties (${names.join(', ')}): ${error.message}`,
        };
    }
    if (error instanceof HubSpotApiError || error instanceof FmlError)
      return {
        ok: false,
        reason: 'hubspot_unavailable',
        retry: 'hubspot_unavailable',
        error,
        message: 'HubSpot could not be read for the chosen Company property; retry later.',
      };
    throw error;
  }
}
