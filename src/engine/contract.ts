import type { OperationFacts, ResponseShape } from '../../generated/operations';
import { InsufficientScopeError, InvalidResponseError } from '../errors';
import { describe } from '../validation/issues';
import { isJsonInteger } from '../validation/json-values';

// What openapi.yaml says about an operation — the scope its `security` names, the shape its 2xx body
// must have — applied in one place for every FML call: `Transport.send` (cases.*, events.*, screening.*)
// and the FML fetch (`fml.api`, `createFmlFetch`). The facts are generated (never a hand-kept copy of the
// spec); callers import theirs by operationId (`import { getCase } from '../../generated/operations'`),
// so a bundle carries only the facts it uses.

/** An `InsufficientScopeError` that names the scopes `operation` needs; any other error unchanged. */
export function withRequiredScope<E>(error: E, operation: OperationFacts | undefined): E | InsufficientScopeError {
  const scopes = operation?.scopes;
  if (!(error instanceof InsufficientScopeError) || !scopes?.length) return error;
  return new InsufficientScopeError({ status: error.status, body: error.body, headers: error.headers, requiredScopes: scopes });
}

/**
 * The JSON value of a 2xx body, checked against `operation`'s shape for `status`: `InvalidResponseError`
 * (with `requestId` and where the body breaks the contract, never its values) when it is not JSON or
 * lacks what the spec requires. `what` names the call when there are no facts ("GET /v1/x").
 */
export function checkedBody(text: string, status: number, requestId: string | undefined, operation: OperationFacts | undefined, what: string): unknown {
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    // A proxy's HTML page, a truncated body: never handed on as a result.
    throw new InvalidResponseError({ status, requestId, operation: operation?.operation ?? what, problems: ['(body): is not JSON'] });
  }
  const shape = operation?.responses[String(status)];
  if (shape) {
    const problems = shapeProblems(data, shape, '');
    if (problems.length) throw new InvalidResponseError({ status, requestId, operation: operation!.operation, problems });
  }
  return data;
}

/** Where `value` breaks `shape`, as `path: expected` strings (never the values: they may be personal data). */
export function shapeProblems(value: unknown, shape: ResponseShape, path: string): string[] {
  const at = path || '(body)';
  if (shape.type && !shape.type.some((type) => isOfType(value, type))) return [`${at}: must be ${shape.type.join(' or ')}, got ${describe(value)}`];
  if (shape.minLength && typeof value === 'string' && value.length < shape.minLength) return [`${at}: must not be empty`];
  const problems: string[] = [];
  if (shape.required && isObject(value)) {
    for (const name of Object.keys(shape.required)) {
      const child = path ? `${path}.${name}` : name;
      if (!Object.prototype.hasOwnProperty.call(value, name)) problems.push(`${child}: is required`);
      else problems.push(...shapeProblems(value[name], shape.required[name]!, child));
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
