import { type ZodMiniType, compile } from 'zod/mini';
import { type PayloadIssue, WebhookPayloadError } from './errors';
import { describe, issueMessage, valueAt, type ZodIssueLike } from '../internal/validation/issues';
import { type RawBody, isRawBody } from './bytes';
import {
  type KnownEventName,
  type KnownWebhookEvent,
  type WebhookEvent,
  type WebhookEventOf,
  knownEventSchemas,
  webhookEventCommonSchema,
} from './schemas';

// A Map, not the object literal: a body whose `event` is "constructor" or "__proto__" must find nothing.
const schemaByName = /* @__PURE__ */ new Map<string, ZodMiniType>(Object.entries(knownEventSchemas));
// Each schema is compiled by zod on first use into a specialised parser, about five times faster than
// the generic one (it is most of parseEvent's cost). Where `new Function` is barred (Workers, strict
// CSP) zod hands back the schema unchanged, so this is only ever a speed-up. Keyed by event name; ''
// is the common schema that unknown events use.
const compiledByName = /* @__PURE__ */ new Map<string, ZodMiniType>();
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/** Every event name this SDK version knows. */
export const knownEventNames = Object.keys(knownEventSchemas) as readonly KnownEventName[];

/**
 * Parses and validates a webhook payload: the raw body (string or bytes) or an already-parsed object.
 * Known events are checked against their schema; any other `event` name is a newer event and comes
 * back with the common fields checked. Unknown fields and enum values pass through. Throws
 * `WebhookPayloadError` listing every problem. Does not verify the signature: see `constructEvent`.
 */
export function parseEvent(payload: RawBody | object): WebhookEvent {
  const value = isRawBody(payload) ? parseJson(payload) : payload;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookPayloadError([{ path: '', message: `the payload must be a JSON object, not ${describe(value)}` }]);
  }
  const result = schemaFor((value as { event?: unknown }).event).safeParse(value);
  if (!result.success) throw new WebhookPayloadError(result.error.issues.map((issue) => toPayloadIssue(issue, value)));
  return result.data as WebhookEvent;
}

/** True when this SDK version knows the event's name; narrows to the union that `switch (event.event)` splits. */
export function isKnownEvent(event: WebhookEvent): event is KnownWebhookEvent {
  return schemaByName.has(event.event);
}

/** True when the event is `name`; narrows to that event's type. */
export function isEvent<Name extends KnownEventName>(event: WebhookEvent, name: Name): event is WebhookEventOf<Name> {
  return event.event === name;
}

function schemaFor(name: unknown): ZodMiniType {
  const key = typeof name === 'string' && schemaByName.has(name) ? name : '';
  let schema = compiledByName.get(key);
  if (!schema) {
    schema = compile(schemaByName.get(key) ?? webhookEventCommonSchema);
    compiledByName.set(key, schema);
  }
  return schema;
}

function parseJson(body: RawBody): unknown {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      throw new WebhookPayloadError([{ path: '', message: 'the body is not valid UTF-8' }]);
    }
  }
  // A UTF-8 byte-order mark is dropped by the decoder from bytes; drop it from a string too, so the same
  // delivery parses the same whichever way the framework handed it over (RFC 8259 lets parsers ignore it).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    // The parser's own message can quote the body, which may hold personal data: keep it out.
    throw new WebhookPayloadError([{ path: '', message: 'the body is not valid JSON' }]);
  }
}

/** A readable issue that names the field and the expected type, never the received value (it may be personal data). */
function toPayloadIssue(issue: ZodIssueLike, root: unknown): PayloadIssue {
  return { path: issue.path.map(String).join('.'), message: issueMessage(issue, valueAt(root, issue.path)) };
}
