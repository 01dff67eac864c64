import { FmlConfigError, FmlError } from '../../errors';
import {
  fetchHandler,
  type Incoming,
  type JsonAnswer,
  jsonAnswer,
  type NodeRequest,
  type NodeResponse,
  nodeHandler,
} from '../../webhooks/http-adapter';
import { HubSpotApiError } from '../crm/errors';
import { createHubSpotSender } from '../crm/http';
import { FIELD_OPTIONS_PARAM } from './definition';
import { INPUT_FIELDS, OPTION_FETCH_FIELDS, type OptionFetchField } from './fields';
import type { FetchedFieldOption, FieldOptionsRequest, FieldOptionsResponse } from './functions';
import {
  readSignedJson,
  report,
  resolveSignedEndpoint,
  type SignedEndpoint,
  type SignedEndpointOptions,
} from './signed-request';

// Field option fetches: while a user edits the action, HubSpot POSTs a signed request to a field's
// `optionsUrl` and shows the options answered. The action's real choice is which of the portal's own
// Company properties holds the contact's email (and name): listed from the CRM properties API, searchable.

/** Options of {@link createFieldOptionsHandler}: the signed-request settings of the action handler, and the list's. */
export interface FieldOptionsHandlerOptions extends SignedEndpointOptions {
  /**
   * How long a portal's Company property list is reused, in ms: HubSpot sends a fetch per keystroke of
   * a search, and the list rarely changes.
   * @default 60000
   */
  propertyCacheMs?: number;
  /**
   * Options per page (the answer carries `after` while more follow).
   * @default 100
   */
  pageSize?: number;
}

/** The option-fetch endpoint: a Fetch-API handler with a Node adapter. */
export interface FieldOptionsHandler {
  (request: Request): Promise<Response>;
  /** The same handler for `node:http` / Express. */
  node(req: NodeRequest, res: NodeResponse): Promise<void>;
  /** @internal The processor the workflow action handler routes `?fieldOptions=` requests to. */
  process(incoming: Incoming): Promise<JsonAnswer>;
}

/** A Company property as the CRM properties API lists it (the fields used here). */
interface PropertyDefinition {
  name: string;
  label?: string;
  type?: string;
  fieldType?: string;
  groupName?: string;
  hidden?: boolean;
}

// How likely a property (name or label) holds the value, to list the likeliest first: each test passed adds one.
/** Per field: the test that makes a property likely at all, then tests that make it likelier. */
const HINTS: Record<OptionFetchField, readonly [RegExp, ...RegExp[]]> = {
  [INPUT_FIELDS.contactEmailProperty]: [/e-?mail/i, /contact|person|kyb|kyc/i],
  [INPUT_FIELDS.contactNameProperty]: [/name/i, /contact|person|kyb|kyc/i],
};
const LIST_HINT =
  "The portal's token lacks crm.schemas.companies.read, which listing Company properties for the action's options needs: add the scope to the app and have the portal reinstall it.";

/**
 * The handler for the action's field option fetches (`contactEmailProperty`, `contactNameProperty`):
 * verifies HubSpot's signature (401), reads the field from `inputFieldName` or the URL's
 * `?fieldOptions=` (400 `unknown_field` for any other), lists the portal's text Company properties
 * (`GET /crm/v3/properties/companies`, token from `hubspot`), filters them by the user's search
 * (`fetchOptions.q`) and answers `{ options, after?, searchable: true }`.
 *
 * `createWorkflowActionHandler` builds one from its own options and serves it at the action URL; call
 * this only to serve option fetches at a separate `optionsUrl`.
 */
export function createFieldOptionsHandler(
  options: FieldOptionsHandlerOptions,
  shared?: SignedEndpoint,
): FieldOptionsHandler {
  const endpoint = shared ?? resolveSignedEndpoint(options, 'createFieldOptionsHandler');
  const cacheMs = options.propertyCacheMs ?? 60_000;
  const pageSize = options.pageSize ?? 100;
  if (typeof cacheMs !== 'number' || !Number.isFinite(cacheMs) || cacheMs < 0)
    throw new FmlConfigError(
      `createFieldOptionsHandler: propertyCacheMs must be a number ≥ 0, got ${String(cacheMs)}.`,
    );
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    throw new FmlConfigError(
      `createFieldOptionsHandler: pageSize must be a whole number from 1 to 1000, got ${String(pageSize)}.`,
    );
  const cache = new Map<string, { at: number; list: Promise<PropertyDefinition[]> }>();

  const companyProperties = (portalId: string): Promise<PropertyDefinition[]> => {
    const hit = cache.get(portalId);
    if (hit && endpoint.now() - hit.at < cacheMs) return hit.list;
    const list = (async () => {
      const token = await endpoint.accessToken(portalId);
      const send = createHubSpotSender(
        { accessToken: token },
        { maxRetries: 1, ...endpoint.hubspotHttp, deadlineMs: 8000 },
        { idempotent: () => true, forbiddenHint: () => LIST_HINT },
      );
      const res = await send<{ results?: unknown[] }>(
        'GET',
        '/crm/v3/properties/companies',
        undefined,
        'list Company properties',
      );
      return (res.data?.results ?? []).filter(
        (p): p is PropertyDefinition =>
          typeof p === 'object' && p !== null && typeof (p as PropertyDefinition).name === 'string',
      );
    })();
    cache.set(portalId, { at: endpoint.now(), list });
    // A failed list is not reused.
    list.catch(() => {
      if (cache.get(portalId)?.list === list) cache.delete(portalId);
    });
    if (cache.size > 10_000) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    return list;
  };

  async function process(incoming: Incoming): Promise<JsonAnswer> {
    const read = await readSignedJson(endpoint, incoming, 'field option fetches');
    if ('answer' in read) return read.answer;
    if ('error' in read) {
      report(endpoint, read.error, { reason: 'configuration_error', status: 500 });
      return jsonAnswer(500, {
        error: 'configuration_error',
        message: "publicUrl failed to build the public URL; the app's operator must fix it.",
      });
    }
    const body = (typeof read.json === 'object' && read.json !== null ? read.json : {}) as FieldOptionsRequest;
    const field = typeof body.inputFieldName === 'string' ? body.inputFieldName : fieldOfUrl(incoming.pathAndQuery);
    if (!OPTION_FETCH_FIELDS.includes(field as OptionFetchField)) {
      return jsonAnswer(400, {
        error: 'unknown_field',
        message: `No options for field ${JSON.stringify(field ?? '')}: this endpoint lists options for ${OPTION_FETCH_FIELDS.join(', ')} (named by ?${FIELD_OPTIONS_PARAM}= in the field's optionsUrl).`,
        fields: [...OPTION_FETCH_FIELDS],
      });
    }
    const origin = body.origin ?? body.requestOrigin;
    const portal = origin?.portalId;
    if (typeof portal !== 'number' && (typeof portal !== 'string' || portal === ''))
      return jsonAnswer(400, {
        error: 'invalid_request',
        message: 'The option fetch names no portal (origin.portalId).',
      });
    const portalId = String(portal).slice(0, 64);
    const q = typeof body.fetchOptions?.q === 'string' ? body.fetchOptions.q.trim().toLowerCase() : '';
    const afterText = body.fetchOptions?.after;
    const offset = typeof afterText === 'string' && /^\d{1,9}$/.test(afterText) ? Number(afterText) : 0;

    let list: PropertyDefinition[];
    try {
      list = await companyProperties(portalId);
    } catch (error) {
      const refused = error instanceof HubSpotApiError && (error.status === 401 || error.status === 403);
      const reason =
        error instanceof FmlConfigError
          ? 'configuration_error'
          : refused
            ? 'hubspot_credentials_rejected'
            : 'hubspot_unavailable';
      if (!(error instanceof FmlError)) throw error;
      report(endpoint, error, { reason, portalId, status: refused || reason === 'configuration_error' ? 502 : 429 });
      if (reason === 'hubspot_unavailable')
        return jsonAnswer(
          429,
          { error: reason, message: "HubSpot's Company properties could not be listed just now; try again." },
          { 'retry-after': '5' },
        );
      return jsonAnswer(502, {
        error: reason,
        message:
          reason === 'configuration_error'
            ? `No HubSpot token for portal ${portalId}; the app's operator must fix it.`
            : LIST_HINT,
      });
    }
    const options = rank(list, field as OptionFetchField, q);
    const page = options.slice(offset, offset + pageSize);
    const response: FieldOptionsResponse = {
      options: page,
      searchable: true,
      ...(offset + pageSize < options.length ? { after: String(offset + pageSize) } : {}),
    };
    return jsonAnswer(200, response as unknown as Record<string, unknown>);
  }

  return Object.assign(fetchHandler(process, endpoint), { node: nodeHandler(process, endpoint), process });
}

/** The field named by `?fieldOptions=` in the local URL, if any. */
function fieldOfUrl(pathAndQuery: string): string | undefined {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? undefined : (new URLSearchParams(pathAndQuery.slice(q + 1)).get(FIELD_OPTIONS_PARAM) ?? undefined);
}

/** The visible single-line text properties matching the search, likely homes first, then by label. */
function rank(list: readonly PropertyDefinition[], field: OptionFetchField, q: string): FetchedFieldOption[] {
  const hint = HINTS[field];
  const label = (p: PropertyDefinition) => (typeof p.label === 'string' && p.label.trim() ? p.label.trim() : p.name);
  return (
    list
      .filter(
        (p) =>
          p.hidden !== true &&
          (p.type === undefined || p.type === 'string') &&
          (p.fieldType === undefined || p.fieldType === 'text'),
      )
      .filter((p) => q === '' || p.name.toLowerCase().includes(q) || label(p).toLowerCase().includes(q))
      .map((p) => ({ p, likely: hint.filter((re) => re.test(p.name) || re.test(label(p))).length }))
      // Only a property matching the first test counts as likely at all (a "contact" property that holds no name).
      .map(({ p, likely }) => ({ p, likely: hint[0].test(p.name) || hint[0].test(label(p)) ? likely : 0 }))
      .sort((a, b) => b.likely - a.likely || label(a.p).localeCompare(label(b.p)) || a.p.name.localeCompare(b.p.name))
      .map(({ p }) => ({
        label: label(p),
        value: p.name,
        description: `${p.name}${p.groupName ? ` · ${p.groupName}` : ''}`,
      }))
  );
}
