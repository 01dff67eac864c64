import { FmlConfigError } from '../../errors';
import { type Incoming, type JsonAnswer, jsonAnswer, postBody } from '../../webhooks/http-adapter';
import { DEFAULT_MAX_BODY_BYTES, checkBodyTimeout } from '../../webhooks/raw-body';
import type { HubSpotAutomationHttpOptions } from './hubspot-api';
import { verifyHubSpotSignature, type HubSpotSignatureVersion } from './signature';

// What every endpoint HubSpot calls with a signed request shares — the workflow action's executions and
// its field option fetches: the settings (secret, public URL, accepted signature versions, HubSpot
// token), reading and verifying the request, and noting which signature versions portals use.

/** What an endpoint is told about a problem or a notice. Ids only: never a secret, never a request body. */
export interface SignedEndpointReport {
  reason: string;
  /** The HTTP status answered to HubSpot, for execution requests. */
  status?: number;
  callbackId?: string;
  portalId?: string;
  caseId?: string;
  eventId?: string;
  /** For `signature_version_seen`: the version the request was accepted on. */
  signatureVersion?: HubSpotSignatureVersion;
}

/** The options every signed endpoint takes (a subset of the workflow action handler's). */
export interface SignedEndpointOptions {
  /** The HubSpot app's client secret: it signs every request. Never logged or echoed. */
  appSecret: string;
  /**
   * The public base URL HubSpot calls (scheme, host, and any path prefix a proxy strips), e.g.
   * `https://kyb.example.com`; or a function of the local path and query returning the full public URL.
   */
  publicUrl: string | ((pathAndQuery: string) => string);
  /** A token (or a token per portal) and HTTP settings for HubSpot's API. */
  hubspot: HubSpotAutomationHttpOptions & {
    /** The app's (or private app's) access token, for a single portal. */
    accessToken?: string;
    /** The access token for a portal, for apps installed in several (called per request). */
    getAccessToken?: (portalId: string) => string | Promise<string>;
  };
  /** @default ["v3", "v2"] */
  signatureVersions?: readonly HubSpotSignatureVersion[];
  /** @default false */
  requireV3?: boolean;
  /** @default 300000 */
  maxSignatureAgeMs?: number;
  /** @default 1_048_576 */
  maxBodyBytes?: number;
  /** `.node` only: the time the sender gets to send the whole body, in ms (408 past it). @default 30000 */
  bodyTimeoutMs?: number;
  /** @default console.error for server-side problems; console.info for the first request per portal and signature version */
  onError?: (error: unknown, context: SignedEndpointReport) => void;
  /** @default Date.now */
  now?: () => number;
}

/** Resolved settings of a signed endpoint. */
export interface SignedEndpoint {
  appSecret: string;
  publicUrl: (pathAndQuery: string) => string;
  accessToken: (portalId: string) => Promise<string>;
  hubspotHttp: HubSpotAutomationHttpOptions;
  signatureVersions: readonly HubSpotSignatureVersion[];
  maxSignatureAgeMs: number;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  onError: (error: unknown, context: SignedEndpointReport) => void;
  now: () => number;
  /** Verified requests per signature version, since start. */
  seen: SignatureVersionCounts;
  /** The portals whose first request on a version was reported (bounded). */
  reported: Set<string>;
}

/** Verified requests per signature version. */
export type SignatureVersionCounts = Record<HubSpotSignatureVersion, number>;

const REPORTED_LIMIT = 10_000;

/** Checks and resolves the shared settings; `who` names the factory in errors. */
export function resolveSignedEndpoint(options: SignedEndpointOptions, who: string): SignedEndpoint {
  const fail = (message: string): never => {
    throw new FmlConfigError(`${who}: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const { appSecret, publicUrl, hubspot } = options;
  if (typeof appSecret !== 'string' || appSecret.trim() === '')
    fail(
      "appSecret is required: the HubSpot app's client secret, which signs every request (is its environment variable unset?).",
    );
  let buildUrl: (pathAndQuery: string) => string;
  if (typeof publicUrl === 'function') buildUrl = publicUrl;
  else {
    if (typeof publicUrl !== 'string' || !/^https?:\/\/[^/\s]+/.test(publicUrl))
      fail('publicUrl must be the public base URL HubSpot calls, e.g. "https://kyb.example.com".');
    const base = publicUrl.replace(/\/+$/, '');
    buildUrl = (pathAndQuery) => `${base}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`;
  }
  if (typeof hubspot !== 'object' || hubspot === null)
    fail('hubspot is required: { accessToken } or { getAccessToken(portalId) } to call HubSpot for a portal.');
  const { accessToken, getAccessToken, ...hubspotHttp } = hubspot;
  if (getAccessToken !== undefined && typeof getAccessToken !== 'function')
    fail('hubspot.getAccessToken must be a function (portalId) => token.');
  if (getAccessToken === undefined && (typeof accessToken !== 'string' || accessToken.trim() === ''))
    fail('hubspot needs { accessToken } or { getAccessToken(portalId) } (is its environment variable unset?).');
  const staticToken = typeof accessToken === 'string' ? accessToken.trim() : '';
  const tokenFor = async (portalId: string): Promise<string> => {
    const token = getAccessToken ? await getAccessToken(portalId) : staticToken;
    if (typeof token !== 'string' || token.trim() === '')
      throw new FmlConfigError(`No HubSpot access token for portal ${portalId}.`);
    return token.trim();
  };
  const versions = options.signatureVersions ?? (options.requireV3 === true ? ['v3'] : ['v3', 'v2']);
  if (
    !Array.isArray(versions) ||
    versions.length === 0 ||
    !versions.every((v) => v === 'v1' || v === 'v2' || v === 'v3')
  )
    fail('signatureVersions must list some of "v3", "v2", "v1".');
  if (options.requireV3 !== undefined && typeof options.requireV3 !== 'boolean')
    fail('requireV3 must be true or false.');
  if (options.requireV3 === true && versions.some((v) => v !== 'v3'))
    fail(`requireV3 accepts v3 only, but signatureVersions lists ${versions.join(', ')}: drop one of the two.`);
  const maxSignatureAgeMs = options.maxSignatureAgeMs ?? 300_000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  for (const [name, v] of Object.entries({ maxSignatureAgeMs, maxBodyBytes }))
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${name} must be a number > 0, got ${String(v)}.`);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    fail('onError must be a function (error, context) => void.');
  return {
    appSecret,
    publicUrl: buildUrl,
    accessToken: tokenFor,
    hubspotHttp,
    signatureVersions: versions,
    maxSignatureAgeMs,
    maxBodyBytes,
    bodyTimeoutMs: checkBodyTimeout(options.bodyTimeoutMs),
    onError: options.onError ?? logServerSide,
    now: options.now ?? Date.now,
    seen: { v1: 0, v2: 0, v3: 0 },
    reported: new Set(),
  };
}

/** Calls `onError`, never letting a throwing logger change an answer. */
export function report(endpoint: SignedEndpoint, error: unknown, context: SignedEndpointReport): void {
  try {
    endpoint.onError(error, context);
  } catch {
    // A throwing logger must not change what HubSpot or FML is answered.
  }
}

/**
 * Reads and verifies a signed POST: 405 for another method, 413 / 408 / 400 for a body too large, too
 * slow or cut short, 401 for a bad signature, 400 for a body that is not JSON. On success, the parsed JSON. A
 * `configure` failure (publicUrl threw) is returned as `{ error }` for the caller to answer its way.
 */
export async function readSignedJson(
  endpoint: SignedEndpoint,
  incoming: Incoming,
  what: string,
): Promise<{ json: unknown } | { answer: JsonAnswer } | { error: unknown }> {
  const read = await postBody(incoming, `HubSpot sends ${what} with POST.`);
  // Another method, or a body too large, too slow (the node adapter then closes the connection), cut short or consumed by a parser.
  if ('answer' in read) return { answer: read.answer };
  const { body } = read;
  let url: string;
  try {
    url = endpoint.publicUrl(incoming.pathAndQuery);
  } catch (error) {
    return { error };
  }
  const check = await verifyHubSpotSignature({
    method: 'POST',
    url,
    body,
    headers: incoming.headers,
    secret: endpoint.appSecret,
    maxAgeMs: endpoint.maxSignatureAgeMs,
    now: endpoint.now(),
    versions: endpoint.signatureVersions,
  });
  if (!check.valid)
    return { answer: jsonAnswer(401, { error: 'invalid_signature', reason: check.reason, message: check.message }) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { answer: jsonAnswer(400, { error: 'invalid_json', message: `The ${what} is not JSON.` }) };
  }
  noteSignatureVersion(endpoint, check.version, portalOf(parsed));
  return { json: parsed };
}

/**
 * Counts the version a request was accepted on, and reports (`signature_version_seen`) the first
 * request of each portal on each version — so an operator can tell whether `requireV3` would refuse
 * anyone: if no portal is reported on v2, every request carried v3.
 */
function noteSignatureVersion(
  endpoint: SignedEndpoint,
  version: HubSpotSignatureVersion,
  portalId: string | undefined,
): void {
  endpoint.seen[version] += 1;
  const key = `${portalId ?? '?'} ${version}`;
  if (endpoint.reported.has(key) || endpoint.reported.size >= REPORTED_LIMIT) return;
  endpoint.reported.add(key);
  const advice =
    version === 'v3'
      ? 'requireV3 would accept it.'
      : `it carried no v3 signature, so requireV3 would refuse it (${version} signs no timestamp and can be replayed).`;
  report(
    endpoint,
    new SignatureVersionNotice(`Portal ${portalId ?? '(unknown)'} signed a request with ${version}: ${advice}`),
    { reason: 'signature_version_seen', signatureVersion: version, ...(portalId ? { portalId } : {}) },
  );
}

/** The notice `onError` receives with reason `signature_version_seen`: information, not a failure. */
export class SignatureVersionNotice extends Error {
  override readonly name = 'SignatureVersionNotice';
}

function portalOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const origin =
    (body as { origin?: unknown; requestOrigin?: unknown }).origin ??
    (body as { requestOrigin?: unknown }).requestOrigin;
  const id = typeof origin === 'object' && origin !== null ? (origin as { portalId?: unknown }).portalId : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 64) : undefined;
}

/** The default `onError`: server-side problems (5xx, 429 "retry later") to console.error; signature-version notices to console.info. */
export function logServerSide(error: unknown, context: SignedEndpointReport): void {
  if (context.reason === 'signature_version_seen') {
    console.info(`[@firstmilelabs/cases/hubspot] ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  // Server-side problems: 5xx, and every 429 "retry later" (FML down or throttling, a store failure, …).
  if (context.status !== undefined && context.status < 500 && context.status !== 429) return;
  const ids = [
    context.callbackId && `callback ${context.callbackId}`,
    context.portalId && `portal ${context.portalId}`,
    context.caseId && `case ${context.caseId}`,
  ]
    .filter(Boolean)
    .join(', ');
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[@firstmilelabs/cases/hubspot] workflow action ${context.reason}${ids ? ` (${ids})` : ''}: ${detail}`);
}
