import * as z from 'zod/mini';
import type { PayloadIssue } from '../../webhooks/errors';
import { issueMessage, type ZodIssueLike } from '../../internal/validation/issues';

/**
 * What HubSpot POSTs to the action URL when a workflow runs the action. Loose: fields HubSpot adds
 * later pass through. HubSpot's docs name the origin both `origin` and `requestOrigin`; either works.
 */
export interface ExecutionRequest {
  /** Unique per execution: the de-duplication key, and the id to complete a blocked execution with. */
  callbackId: string;
  origin?: ExecutionOrigin;
  requestOrigin?: ExecutionOrigin;
  context?: { source?: string; workflowId?: number | string; [key: string]: unknown };
  object: {
    /** `COMPANY` for this action. */
    objectType: string;
    /** The enrolled record's id. */
    objectId: number | string;
    /** The properties the definition's `objectRequestOptions` asked for. */
    properties?: Record<string, unknown>;
    [key: string]: unknown;
  };
  /** Input name → the value the workflow resolved (property values arrive as strings). */
  inputFields?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Which portal and action version an execution comes from. */
export interface ExecutionOrigin {
  portalId: number | string;
  actionDefinitionId?: number | string;
  actionDefinitionVersion?: number | string;
  [key: string]: unknown;
}

/** A parsed execution request, with the portal id resolved from whichever origin field was sent. */
export interface ParsedExecution {
  request: ExecutionRequest;
  portalId: string;
  objectId: string;
  objectType: string;
}

const id = z.union([z.string().check(z.minLength(1), z.maxLength(64)), z.number()]);
const plainObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'must be an object',
);
const origin = z.looseObject({
  portalId: id,
  actionDefinitionId: z.optional(id),
  actionDefinitionVersion: z.optional(id),
});

const executionRequestSchema = z.looseObject({
  // Goes into a callback URL path and the store's keys: bounded, visible ASCII.
  callbackId: z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[\x21-\x7e]+$/, 'must be visible ASCII')),
  origin: z.optional(origin),
  requestOrigin: z.optional(origin),
  context: z.optional(plainObject),
  object: z.looseObject({
    objectType: z.string().check(z.minLength(1)),
    objectId: id,
    properties: z.optional(plainObject),
  }),
  inputFields: z.optional(plainObject),
});

/** Parses an execution request body, or lists every problem in it. */
export function parseExecutionRequest(
  body: unknown,
): { ok: true; value: ParsedExecution } | { ok: false; issues: PayloadIssue[] } {
  const result = executionRequestSchema.safeParse(body);
  if (!result.success)
    return {
      ok: false,
      issues: result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: messageOf(issue as ZodIssueLike & { message?: string }, body),
      })),
    };
  const request = result.data as ExecutionRequest;
  const from = request.origin ?? request.requestOrigin;
  if (!from)
    return { ok: false, issues: [{ path: 'origin', message: 'is required (the portal the execution comes from)' }] };
  return {
    ok: true,
    value: {
      request,
      portalId: String(from.portalId),
      objectId: String(request.object.objectId),
      objectType: request.object.objectType,
    },
  };
}

function messageOf(issue: ZodIssueLike & { message?: string }, root: unknown): string {
  if (
    issue.code === 'custom' ||
    (issue.code === 'invalid_format' && issue.message && issue.message !== 'Invalid input')
  )
    return issue.message ?? 'is invalid';
  if (issue.code === 'invalid_union') return 'must be a string or a number';
  let value: unknown = root;
  for (const key of issue.path)
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, key)
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  return issueMessage(issue, value);
}
