import { randomBytes, randomUUID } from 'node:crypto';

/** Random URL-safe text, `bytes` of entropy. */
export const randomToken = (bytes = 18): string => randomBytes(bytes).toString('base64url');

/** Request ids look like FML's: opaque, prefixed, unique per response. */
export const newRequestId = (): string => `req_${randomBytes(12).toString('hex')}`;

/** Case and event ids are UUIDs, like the ids in FML's published examples. */
export const newUuid = (): string => randomUUID();

/** Short ids for sandbox-only objects (endpoints, deliveries, faults). */
export const newShortId = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;
