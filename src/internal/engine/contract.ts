import type { OperationFacts, ResponseShape } from '../../../generated/operations';
import { InsufficientScopeError, InvalidResponseError } from '../../errors';
import { describe } from '../validation/issues';
import { isJsonInteger } from '../validation/json-values';

// What openapi.yaml says about an operation — the scope its `security` names, the shape its 2xx body
// must have — applied in one place for every FML call: `Transport.send` (cases.*, events.*, screening.*)
// and the FML fetch (`fml.api`, `createFmlFetch`). The facts are generated (never a hand-kept copy of the
// spec); callers import theirs by operationId (`import { getCase } from '../../../generated/operations'`),
// so a bundle carries only the facts it uses.

/** An `InsufficientScopeError` that names the scopes `operation` needs; any other error unchanged. */
export function withRequiredScope<E>(error: E, operation: OperationFacts | undefined): E | InsufficientScopeError {
  const scopes = operation?.scopes;
  if (!(error instanceof InsufficientScopeError) || !scopes?.length) return error;
  return new InsufficientScopeError({
    status: error.status,
    body: error.body,
    headers: error.headers,
    requiredScopes: scopes,
  });
}

/**
 * The JSON value of a 2xx body, checked against `operation`'s shape for `status`: `InvalidResponseError`
 * (with `requestId` and where the body breaks the contract, never its values) when it is not JSON or
 * lacks what the spec requires. `what` names the call when there are no facts ("GET /v1/x").
 */
export function checkedBody(
  text: string,
  status: number,
  requestId: string | undefined,
  operation: OperationFacts | undefined,
  what: string,
): unknown {
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    // A proxy's HTML page, a truncated body: never handed on as a result.
    throw new InvalidResponseError({
      status,
      requestId,
      operation: operation?.operation ?? what,
      problems: ['(body): is not JSON'],
    });
  }
  const shape = operation?.responses[String(status)];
  if (shape) {
    const problems = shapeProblems(data, shape, '');
    if (problems.length)
      throw new InvalidResponseError({ status, requestId, operation: operation?.operation ?? what, problems });
  }
  return data;
}

/** Where `value` breaks `shape`, as `path: expected` strings (never the values: they may be personal data). */
export function shapeProblems(value: unknown, shape: ResponseShape, path: string): string[] {
  const problems: string[] = [];
  collectProblems(value, shape, path, problems);
  return problems;
}

/**
 * Appends to `problems` where `value` breaks `shape`. One array for the whole walk, so a body that fits
 * (every 2xx on the hot path) costs no allocation beyond it.
 */
function collectProblems(value: unknown, shape: ResponseShape, path: string, problems: string[]): void {
  const at = path || '(body)';
  if (shape.type && !fitsOneOf(value, shape.type)) {
    problems.push(`${at}: must be ${shape.type.join(' or ')}, got ${describe(value)}`);
    return;
  }
  if (shape.minLength && typeof value === 'string' && value.length < shape.minLength) {
    problems.push(`${at}: must not be empty`);
    return;
  }
  if (shape.required && isObject(value)) {
    for (const name of Object.keys(shape.required)) {
      if (!Object.hasOwn(value, name)) problems.push(`${path ? `${path}.${name}` : name}: is required`);
      // biome-ignore lint/style/noNonNullAssertion: `name` is one of its own keys
      else collectProblems(value[name], shape.required[name]!, path ? `${path}.${name}` : name, problems);
    }
  }
  if (shape.items && Array.isArray(value))
    for (let i = 0; i < value.length; i++)
      collectProblems(value[i], shape.items, path ? `${path}.${i}` : String(i), problems);
  if (shape.anyOf && !shape.anyOf.some((alternative) => shapeProblems(value, alternative, path).length === 0))
    problems.push(`${at}: matches none of the allowed shapes`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A loop, not `types.some(…)`: this runs for every field of every 2xx body, and a closure per call shows. */
function fitsOneOf(value: unknown, types: readonly string[]): boolean {
  for (const type of types) if (isOfType(value, type)) return true;
  return false;
}

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
