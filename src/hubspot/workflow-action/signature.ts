import { hmacSha256, sha256, timingSafeEqual, toBase64, toHex } from '../../internal/crypto';
import { concatBytes, hashableBody, isRawBody, toBytes, type RawBody } from '../../webhooks/bytes';

/** HubSpot's request-signature versions. */
export type HubSpotSignatureVersion = 'v1' | 'v2' | 'v3';

/** Why a signature did not verify, as a stable code. */
export type HubSpotSignatureFailure =
  | 'missing_secret'
  | 'missing_signature'
  | 'unsupported_version'
  | 'version_not_allowed'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'invalid_body'
  | 'invalid_input'
  | 'signature_mismatch';

/** The outcome of {@link verifyHubSpotSignature}; it never throws for a bad request. */
export type HubSpotSignatureResult =
  | { valid: true; version: HubSpotSignatureVersion }
  | { valid: false; reason: HubSpotSignatureFailure; version?: HubSpotSignatureVersion; message: string };

/** Headers as a Fetch `Headers` or a node-style record (any case, arrays allowed). */
export type HubSpotHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What {@link verifyHubSpotSignature} checks. */
export interface VerifyHubSpotSignatureInput {
  /** The request method, e.g. `POST`. */
  method: string;
  /**
   * The full public URL HubSpot called (scheme, host, path, query) — behind a proxy, rebuild it from
   * your public base URL, not from the local request.
   */
  url: string;
  /** The raw body exactly as received (a parsed and re-serialised body will not verify). */
  body: RawBody;
  /** The request headers; `X-HubSpot-Signature*` and `X-HubSpot-Request-Timestamp`, any case. */
  headers: HubSpotHeaders;
  /** The app's client secret (HubSpot developer account → the app → Auth). */
  secret: string;
  /**
   * How far a v3 timestamp may be from `now`, either way, in ms.
   * @default 300000 (5 minutes, as HubSpot recommends)
   */
  maxAgeMs?: number;
  /**
   * The current time in epoch ms.
   * @default Date.now()
   */
  now?: number;
  /**
   * The versions accepted. When `X-HubSpot-Signature-v3` is present it decides alone. v2 signs no
   * timestamp, and HubSpot sends both headers: whoever captures one signed request can strip its v3
   * headers and replay it on the v2 signature at any later time. Pass `["v3"]` to close that downgrade
   * (HubSpot signs workflow actions with v3 today). v1 signs only the body, so it also replays against
   * any URL.
   * @default ["v3", "v2", "v1"]
   */
  versions?: readonly HubSpotSignatureVersion[];
}

/** What {@link hubSpotSignature} signs. */
export interface HubSpotSignatureParts {
  version: HubSpotSignatureVersion;
  secret: string;
  method: string;
  url: string;
  body: RawBody;
  /**
   * v3 only: the `X-HubSpot-Request-Timestamp` value (epoch ms), signed as its decimal text.
   * @default "" (nothing appended; only right for v1 and v2, which sign no timestamp)
   */
  timestamp?: number | string;
}

const DEFAULT_MAX_AGE_MS = 5 * 60_000;
const PURPOSE = 'HubSpot signatures';
const ALL_VERSIONS: readonly HubSpotSignatureVersion[] = ['v3', 'v2', 'v1'];

// HubSpot decodes exactly these escapes before signing a v3 URL; every other escape stays as sent.
const V3_DECODED: Record<string, string> = {
  '3a': ':',
  '2f': '/',
  '3f': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2a': '*',
  '2c': ',',
  '3b': ';',
};

/** The URL as HubSpot signs it for v3: the listed escapes decoded, all others left alone. */
export function decodeV3Url(url: string): string {
  return url.replace(
    /%(3[AaFfBb]|2[FfCcAa14789]|40)/g,
    (escaped, hex: string) => V3_DECODED[hex.toLowerCase()] ?? escaped,
  );
}

/**
 * The signature HubSpot would send: v1 and v2 as lower-case hex SHA-256, v3 as base64 HMAC-SHA256.
 * For your tests (sign a request as HubSpot would) and for the verifier itself.
 */
export async function hubSpotSignature(parts: HubSpotSignatureParts): Promise<string> {
  const method = parts.method.toUpperCase();
  const body = toBytes(hashableBody(parts.body));
  switch (parts.version) {
    case 'v1':
      return toHex(await sha256(concat(toBytes(parts.secret), body), PURPOSE));
    case 'v2':
      return toHex(await sha256(concat(toBytes(parts.secret + method + parts.url), body), PURPOSE));
    case 'v3':
      return toBase64(
        await hmacSha256(
          parts.secret,
          concat(toBytes(method + decodeV3Url(parts.url)), body, toBytes(String(parts.timestamp ?? ''))),
          PURPOSE,
        ),
      );
    default:
      throw new TypeError(`Unknown HubSpot signature version ${String(parts.version)}.`);
  }
}

/**
 * Verifies a request HubSpot signed: v3 when `X-HubSpot-Signature-v3` is present (HMAC with the app
 * secret, timestamp within `maxAgeMs` either way), else v2 or v1 per `X-HubSpot-Signature-Version`.
 * Never throws for a bad or missing signature — it answers `{ valid: false, reason }` — and compares
 * in constant time.
 *
 * @example
 * const check = await verifyHubSpotSignature({ method: 'POST', url: 'https://app.example.com/hubspot/action', body: raw, headers: req.headers, secret });
 * if (!check.valid) return new Response(check.reason, { status: 401 });
 */
export async function verifyHubSpotSignature(input: VerifyHubSpotSignatureInput): Promise<HubSpotSignatureResult> {
  const problem = inputProblem(input);
  if (problem) return fail(problem[0], problem[1]);
  const versions = input.versions ?? ALL_VERSIONS;
  const v3 = header(input.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) {
    if (!versions.includes('v3'))
      return fail(
        'version_not_allowed',
        'The request is signed with v3, which this verifier was told not to accept.',
        'v3',
      );
    return verifyV3(input, v3);
  }
  const signature = header(input.headers, 'x-hubspot-signature');
  if (signature === undefined)
    return fail(
      'missing_signature',
      'The request has no X-HubSpot-Signature or X-HubSpot-Signature-v3 header: it did not come from HubSpot.',
    );
  // HubSpot's v1 requests may omit the version header; its own client defaults to v1 too.
  const declared = (header(input.headers, 'x-hubspot-signature-version') ?? 'v1').trim().toLowerCase();
  if (declared !== 'v1' && declared !== 'v2')
    return fail(
      'unsupported_version',
      `Unsupported X-HubSpot-Signature-Version ${JSON.stringify(declared.slice(0, 20))}.`,
    );
  if (!versions.includes(declared))
    return fail(
      'version_not_allowed',
      `The request is signed with ${declared}, which this verifier was told not to accept (allowed: ${versions.join(', ')}).`,
      declared,
    );
  const expected = await hubSpotSignature({
    version: declared,
    secret: input.secret,
    method: input.method,
    url: input.url,
    body: input.body,
  });
  return timingSafeEqual(expected, signature.trim().toLowerCase())
    ? { valid: true, version: declared }
    : fail('signature_mismatch', mismatchMessage(declared), declared);
}

async function verifyV3(input: VerifyHubSpotSignatureInput, signature: string): Promise<HubSpotSignatureResult> {
  const raw = header(input.headers, 'x-hubspot-request-timestamp');
  if (raw === undefined)
    return fail(
      'missing_timestamp',
      'A v3 signature needs the X-HubSpot-Request-Timestamp header, which is missing.',
      'v3',
    );
  if (!/^\d{1,16}$/.test(raw.trim()))
    return fail('invalid_timestamp', 'X-HubSpot-Request-Timestamp is not an epoch time in milliseconds.', 'v3');
  const timestamp = Number(raw.trim());
  const now = input.now ?? Date.now();
  const maxAge = input.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (now - timestamp > maxAge)
    return fail(
      'timestamp_too_old',
      `The request was signed ${Math.round((now - timestamp) / 1000)} s ago, more than the ${Math.round(maxAge / 1000)} s allowed: a replay, or this server's clock is wrong.`,
      'v3',
    );
  if (timestamp - now > maxAge)
    return fail(
      'timestamp_in_future',
      `The request's timestamp is ${Math.round((timestamp - now) / 1000)} s in the future, more than the ${Math.round(maxAge / 1000)} s allowed: check this server's clock.`,
      'v3',
    );
  const expected = await hubSpotSignature({
    version: 'v3',
    secret: input.secret,
    method: input.method,
    url: input.url,
    body: input.body,
    timestamp: raw.trim(),
  });
  return timingSafeEqual(expected, signature.trim())
    ? { valid: true, version: 'v3' }
    : fail('signature_mismatch', mismatchMessage('v3'), 'v3');
}

/**
 * What is wrong with the input, checked before any header is read: plain-JS callers (and HubSpot's
 * runtime) can hand over anything, and a verifier that throws a `TypeError` would turn a caller's slip
 * into a 500 instead of a clear answer. A `maxAgeMs` that is not a number would silently accept any age.
 */
function inputProblem(
  input: VerifyHubSpotSignatureInput | null | undefined,
): [HubSpotSignatureFailure, string] | undefined {
  if (typeof input !== 'object' || input === null)
    return ['invalid_input', 'verifyHubSpotSignature needs an object: { method, url, body, headers, secret }.'];
  if (typeof input.secret !== 'string' || input.secret === '')
    return ['missing_secret', "No app secret to check HubSpot's signature with (is its environment variable unset?)."];
  if (!isRawBody(input.body))
    return [
      'invalid_body',
      'body must be the raw request body (string or bytes); a parsed and re-serialised body cannot verify.',
    ];
  if (typeof input.method !== 'string' || input.method === '')
    return ['invalid_input', 'method must be the request method HubSpot used, e.g. "POST".'];
  if (typeof input.url !== 'string')
    return [
      'invalid_input',
      'url must be the full public URL HubSpot called, e.g. "https://app.example.com/hubspot/action".',
    ];
  const { versions, maxAgeMs, now } = input;
  if (
    versions !== undefined &&
    !(Array.isArray(versions) && versions.length > 0 && versions.every((v) => ALL_VERSIONS.includes(v)))
  ) {
    return ['invalid_input', 'versions must be a non-empty array of "v3", "v2", "v1", e.g. ["v3"].'];
  }
  if (maxAgeMs !== undefined && !(typeof maxAgeMs === 'number' && maxAgeMs >= 0 && Number.isFinite(maxAgeMs)))
    return ['invalid_input', `maxAgeMs must be a non-negative number of milliseconds; got ${String(maxAgeMs)}.`];
  if (now !== undefined && !(typeof now === 'number' && Number.isFinite(now)))
    return ['invalid_input', `now must be a time in epoch milliseconds; got ${String(now)}.`];
  return undefined;
}

function mismatchMessage(version: HubSpotSignatureVersion): string {
  const url =
    version === 'v1' ? '' : ', or the URL checked is not the public URL HubSpot called (behind a proxy, set publicUrl)';
  return `The ${version} signature does not match: the app secret is wrong, the body was altered${url}.`;
}

function fail(
  reason: HubSpotSignatureFailure,
  message: string,
  version?: HubSpotSignatureVersion,
): HubSpotSignatureResult {
  return version === undefined ? { valid: false, reason, message } : { valid: false, reason, version, message };
}

/** One header, case-insensitively; the first value when repeated. */
export function header(headers: HubSpotHeaders, name: string): string | undefined {
  if (typeof (headers as Headers)?.get === 'function') return (headers as Headers).get(name) ?? undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = (headers as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(
    parts,
    parts.reduce((n, p) => n + p.byteLength, 0),
  );
}
