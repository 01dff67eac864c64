import type { OperationFacts, ResponseShape } from '../../generated/operations';
import { InsufficientScopeError, InvalidResponseError } from '../errors';
import type { HttpRequest, HttpResponse, RequestOptions, Transport } from '../engine/fml-transport';
import { describe } from '../validation/issues';
import { isJsonInteger } from '../validation/json-values';

// Every API call goes through `callOperation`, so what openapi.yaml says about an operation — the
// scope its `security` names, the shape its 2xx body must have — is applied in one place, from the
// generated operation facts (never a hand-kept copy of the spec). Callers import the facts of their
// operation by operationId (`import { getCase } from '../../generated/operations'`), so a bundle
// carries only the facts it uses.

/**
 * Sends `req` as `operation`: a 403 `insufficient_scope` names the scope the operation needs, and a
 * 2xx body that lacks what the spec requires is an `InvalidResponseError` (with `requestId`).
 */
export async function callOperation<T>(transport: Transport, operation: OperationFacts | undefined, req: HttpRequest, options: RequestOptions): Promise<HttpResponse<T>> {
  let res: HttpResponse<T>;
  try {
    res = await transport.send<T>(req, options);
  } catch (error) {
    throw withRequiredScope(error, operation);
  }
  assertResponseShape(operation, res);
  return res;
}

/** An `InsufficientScopeError` that names the scopes `operation` needs; any other error unchanged. */
export function withRequiredScope(error: unknown, operation: OperationFacts | undefined): unknown {
  const scopes = operation?.scopes;
  if (!(error instanceof InsufficientScopeError) || !scopes?.length) return error;
  const named = new InsufficientScopeError({ status: error.status, body: error.body, headers: error.headers, requiredScopes: scopes });
  if (error.idempotencyKey !== undefined) named.idempotencyKey = error.idempotencyKey;
  return named;
}

/** Throws `InvalidResponseError` when `res`'s body breaks the spec's shape for this operation and status. */
export function assertResponseShape(operation: OperationFacts | undefined, res: HttpResponse<unknown>): void {
  const shape = operation?.responses[String(res.status)];
  if (!operation || !shape) return;
  const problems = shapeProblems(res.data, shape, '');
  if (problems.length) throw new InvalidResponseError({ status: res.status, requestId: res.requestId, operation: operation.operation, problems });
}

/** Where `value` breaks `shape`, as `path: expected` strings (never the values: they may be personal data). */
export function shapeProblems(value: unknown, shape: ResponseShape, path: string): string[] {
  const at = path || '(body)';
  if (shape.type && !shape.type.some((type) => isOfType(value, type))) return [`${at}: must be ${shape.type.join(' or ')}, got ${describe(value)}`];
  if (shape.minLength && typeof value === 'string' && value.length < shape.minLength) return [`${at}: must not be empty`];
  const problems: string[] = [];
  if (shape.required && isObject(value)) {
    for (const [name, sub] of Object.entries(shape.required)) {
      const child = path ? `${path}.${name}` : name;
      if (!Object.prototype.hasOwnProperty.call(value, name)) problems.push(`${child}: is required`);
      else problems.push(...shapeProblems(value[name], sub, child));
    }
  }
  if (shape.items && Array.isArray(value)) value.forEach((item, i) => problems.push(...shapeProblems(item, shape.items!, path ? `${path}.${i}` : String(i))));
  if (shape.anyOf && !shape.anyOf.some((alternative) => shapeProblems(value, alternative, path).length === 0)) problems.push(`${at}: matches none of the allowed shapes`);
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return isJsonInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}
