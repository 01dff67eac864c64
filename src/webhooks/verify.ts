import { WebhookVerificationError } from './errors';
import {
  fromHex,
  hasWebCrypto,
  hmacSha256Node,
  hmacSha256Verify,
  timingSafeEqual,
  toHex,
  utf8,
} from '../internal/crypto';
import { hmacSha256Js } from '../internal/sha256';
import { hashableBody } from './bytes';
import { type CryptoEngine, nodeCryptoFor } from './hmac';

/** The endpoint's signing secret, or several while rotating (any one may match). */
export type WebhookSecret = string | readonly string[];

/** A signature header as frameworks hand it over (node gives `string[]` for repeated headers). */
export type SignatureHeader = string | readonly string[] | null | undefined;

/** Options shared by the verifiers. */
export interface VerifyOptions {
  /**
   * The HMAC implementation: `auto` uses `node:crypto` where the runtime has it and WebCrypto
   * elsewhere, and plain JavaScript where the runtime has neither (n8n's Code node); `webcrypto` or
   * `node` force one (the sync verifiers always need `node:crypto`).
   * @default 'auto'
   */
  crypto?: CryptoEngine;
}

/** A checked request: what to hash, with which secrets, and the signatures to compare against. */
interface Checked {
  body: string | Uint8Array;
  secrets: string[];
  /** Lower-case hex, compared as text: decoding to bytes costs about a third of the HMAC itself. */
  signatures: string[];
}

const HEX_64 = /^[0-9a-f]{64}$/i;
/** The most signatures one header may list: FML sends one (two while a secret rotates); more is an attack on our CPU. */
export const MAX_SIGNATURES = 16;
const MISMATCH =
  'X-FML-Signature does not match the body. Pass the raw body exactly as received (e.g. express.raw(), await request.text()), ' +
  'not re-serialised JSON, and check the secret belongs to this endpoint (while rotating, pass both secrets as an array).';

/**
 * Throws `WebhookVerificationError` unless `signatureHeader` holds FML's signature of `rawBody` under
 * `secret` (or any of several). Its `reason` is `missing_secret`, `invalid_body`, `missing_signature`,
 * `malformed_signature` or `signature_mismatch`. Async so it runs anywhere: with `node:crypto` the work
 * is synchronous inside; without it, WebCrypto.
 */
export async function assertSignature(
  rawBody: unknown,
  signatureHeader: SignatureHeader,
  secret: WebhookSecret,
  options?: VerifyOptions,
): Promise<void> {
  const checked = check(rawBody, signatureHeader, secret);
  const crypto = nodeCryptoFor(options?.crypto);
  if (crypto) {
    for (const key of checked.secrets)
      if (matchesAny(hmacSha256Node(crypto, key, checked.body), checked.signatures)) return;
  } else if (options?.crypto !== 'webcrypto' && !hasWebCrypto()) {
    // Neither node:crypto nor WebCrypto (n8n's Code node): plain JavaScript, slower but the same bytes.
    const body = utf8(checked.body);
    for (const key of checked.secrets) if (matchesAny(toHex(hmacSha256Js(utf8(key), body)), checked.signatures)) return;
  } else {
    // WebCrypto compares for us (in constant time): hand it the signature bytes, not a hex digest.
    const signatures = checked.signatures.map(fromHex);
    for (const key of checked.secrets)
      for (const signature of signatures)
        if (await hmacSha256Verify(key, checked.body, signature, 'webhook signatures')) return;
  }
  throw new WebhookVerificationError('signature_mismatch', MISMATCH);
}

/** {@link assertSignature} without a promise; needs `node:crypto` (Node, Bun, Deno), else throws `FmlConfigError`. */
export function assertSignatureSync(rawBody: unknown, signatureHeader: SignatureHeader, secret: WebhookSecret): void {
  const checked = check(rawBody, signatureHeader, secret);
  const crypto = nodeCryptoFor('node');
  for (const key of checked.secrets)
    if (matchesAny(hmacSha256Node(crypto, key, checked.body), checked.signatures)) return;
  throw new WebhookVerificationError('signature_mismatch', MISMATCH);
}

/**
 * True when `signatureHeader` (`sha256=<hex>`) is FML's signature of `rawBody` under `secret` (or any of
 * several). False for a missing, malformed or wrong signature; throws only for caller mistakes
 * (no secret, a body that is not raw) since those would otherwise reject every delivery silently.
 */
export async function verifySignature(
  rawBody: unknown,
  signatureHeader: SignatureHeader,
  secret: WebhookSecret,
  options?: VerifyOptions,
): Promise<boolean> {
  try {
    await assertSignature(rawBody, signatureHeader, secret, options);
    return true;
  } catch (error) {
    if (isDeliveryFault(error)) return false;
    throw error;
  }
}

/** {@link verifySignature} without a promise; needs `node:crypto` (Node, Bun, Deno), else throws `FmlConfigError`. */
export function verifySignatureSync(
  rawBody: unknown,
  signatureHeader: SignatureHeader,
  secret: WebhookSecret,
): boolean {
  try {
    assertSignatureSync(rawBody, signatureHeader, secret);
    return true;
  } catch (error) {
    if (isDeliveryFault(error)) return false;
    throw error;
  }
}

/** Faults of the request (as opposed to the caller's setup): the boolean verifiers answer false for them. */
const isDeliveryFault = (error: unknown): boolean =>
  error instanceof WebhookVerificationError &&
  (error.reason === 'missing_signature' ||
    error.reason === 'malformed_signature' ||
    error.reason === 'signature_mismatch');

function check(rawBody: unknown, signatureHeader: SignatureHeader, secret: WebhookSecret): Checked {
  const secrets = secretList(secret);
  if (secrets.length === 0) {
    throw new WebhookVerificationError(
      'missing_secret',
      "No webhook secret was given. Pass the endpoint's signing secret from the FML console; is the environment variable that should hold it unset?",
    );
  }
  const body = hashableBody(rawBody);
  const header = headerText(signatureHeader);
  if (header.trim() === '') {
    throw new WebhookVerificationError(
      'missing_signature',
      'The request has no X-FML-Signature header, so it cannot be from FML. If a proxy sits in front, make sure it forwards that header.',
    );
  }
  return { body, secrets, signatures: signaturesIn(header) };
}

/**
 * The header as one string, whatever a framework (or a caller in plain JS) handed over: a string, a
 * list of strings (a repeated header); anything else counts as no header rather than a `TypeError`.
 */
function headerText(header: unknown): string {
  if (typeof header === 'string') return header;
  if (!Array.isArray(header)) return '';
  return header.filter((part): part is string => typeof part === 'string').join(',');
}

/** The usable secrets given: one, or several while rotating; empty strings do not count. */
export function secretList(secret: WebhookSecret | undefined): string[] {
  if (typeof secret === 'string') return secret === '' ? [] : [secret];
  const list: readonly unknown[] = Array.isArray(secret) ? secret : [];
  return list.filter((s): s is string => typeof s === 'string' && s !== '');
}

/**
 * The `sha256=` signatures in a header. Several may be listed (comma or space separated); other schemes
 * are skipped so a future algorithm can be added alongside. Hex is lower-cased first: upper case is the same bytes.
 */
function signaturesIn(header: string): string[] {
  if (isPlainSignature(header)) return [header.slice(7)];
  const found: string[] = [];
  let problem: string | undefined;
  let listed = 0;
  for (const part of header.split(/[\s,]+/)) {
    if (part === '') continue;
    // Refused before any hashing: each listed signature would cost a comparison, each secret an HMAC.
    if (++listed > MAX_SIGNATURES) {
      throw new WebhookVerificationError(
        'malformed_signature',
        `X-FML-Signature lists more than ${MAX_SIGNATURES} signatures; FML sends one (two while a secret rotates).`,
      );
    }
    const eq = part.indexOf('=');
    const scheme = part.slice(0, Math.max(eq, 0)).toLowerCase();
    const hex = part.slice(eq + 1);
    if (eq < 0) problem ??= 'a value lacks the "sha256=" prefix';
    else if (scheme !== 'sha256') problem ??= `it uses "${scheme.slice(0, 12)}=", and FML signs with "sha256="`;
    else if (!HEX_64.test(hex))
      problem ??= `the value after "sha256=" is ${hex.length} characters; expected 64 hex digits`;
    else found.push(hex.toLowerCase());
  }
  if (found.length === 0) {
    throw new WebhookVerificationError(
      'malformed_signature',
      `X-FML-Signature must look like "sha256=<64 hex digits>", but ${problem ?? 'it is empty'}.`,
    );
  }
  return found;
}

/**
 * True for what FML sends: exactly one `sha256=` and 64 lower-case hex digits. Checked with one pass
 * over the characters instead of a split, a regex and a lower-casing, which cost several percent of a
 * whole verify; anything else takes the general path.
 */
function isPlainSignature(header: string): boolean {
  if (header.length !== 71 || !header.startsWith('sha256=')) return false;
  for (let i = 7; i < 71; i++) {
    const c = header.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false; // 0-9, a-f
  }
  return true;
}

/** Compares one hex digest against each candidate, each in constant time, without stopping at a match. */
function matchesAny(digest: string, candidates: readonly string[]): boolean {
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqual(digest, candidate) || matched;
  return matched;
}
