// Types for FmlClient.request: everything is derived from the generated `paths`, nothing at run time.
import type { paths } from '../generated/openapi';
import type { RequestOptions } from './http/transport';

export type RequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type OperationOf<M extends RequestMethod, P extends keyof paths> = paths[P] extends { [K in Lowercase<M>]: infer Op } ? Op : never;

/** The spec's paths that have an operation for method `M`. */
export type RequestPath<M extends RequestMethod> = {
  [P in keyof paths]-?: [OperationOf<M, P>] extends [never] ? never : [OperationOf<M, P>] extends [undefined] ? never : P;
}[keyof paths];

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;
type ParamsOf<Op> = Op extends { parameters: infer Pm } ? Pm : Record<string, never>;
type BodyOf<Op> = Op extends { requestBody?: infer RB } ? JsonOf<NonNullable<RB>> : never;
type SuccessOf<Op> = Op extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 | 202 | 203 | 204 ? JsonOf<R[S]> : never }[keyof R] : unknown;

// Required when the operation has path parameters (openapi-typescript marks `path` required then).
type PathOption<Op> = ParamsOf<Op> extends { path: infer X } ? ([X] extends [never] ? { path?: never } : { /** Values for `{name}` segments of the path; each is percent-encoded. */ path: X }) : { path?: never };

/** Options of `request(M, P)`: the operation's path and query parameters and JSON body, typed. */
export type RawRequestOptions<M extends RequestMethod, P extends keyof paths> = RequestOptions & PathOption<OperationOf<M, P>> & {
  /** Query parameters (snake_case, as in the spec). */
  query?: ParamsOf<OperationOf<M, P>> extends { query?: infer X } ? X : never;
  /** The JSON body. */
  body?: BodyOf<OperationOf<M, P>>;
  /** Sent as `Idempotency-Key`; also what makes a POST safe to retry. */
  idempotencyKey?: string;
};

/** `request`'s options argument: required when the path has parameters, optional otherwise. */
export type RequestArgs<M extends RequestMethod, P extends keyof paths> = ParamsOf<OperationOf<M, P>> extends { path: infer X } ? ([X] extends [never] ? [options?: RawRequestOptions<M, P>] : [options: RawRequestOptions<M, P>]) : [options?: RawRequestOptions<M, P>];

/** What `request(M, P)` resolves to. */
export interface RequestResult<M extends RequestMethod, P extends keyof paths> {
  data: SuccessOf<OperationOf<M, P>>;
  status: number;
  headers: Headers;
  requestId: string | undefined;
}
