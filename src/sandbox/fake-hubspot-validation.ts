import { invalidProperties, hsError } from './fake-hubspot-answers';
import { FIELD_TYPES, GROUPS, TYPES } from './fake-hubspot-catalogue';
import type { FakePropertyDefinition, FakeRouteResponse } from './fake-hubspot-types';

/**
 * How the fake HubSpot CRM checks a request body the way HubSpot does: a Company's `properties`
 * object, and a new property definition. Pure: each returns the checked values or HubSpot's 4xx.
 */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a `properties` object the way HubSpot does; returns the values as text, or a 400. */
export function checkProperties(
  definitions: ReadonlyMap<string, FakePropertyDefinition>,
  value: unknown,
): { ok: true; values: [string, string | null][] } | { ok: false; response: FakeRouteResponse } {
  if (!isRecord(value))
    return {
      ok: false,
      response: hsError(
        400,
        'VALIDATION_ERROR',
        'Invalid input JSON: "properties" must be an object of property name → value.',
      ),
    };
  const values: [string, string | null][] = [];
  const errors: { name: string; error: string; message: string }[] = [];
  for (const name of Object.keys(value)) {
    const def = definitions.get(name);
    const v = value[name];
    if (!def) errors.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (def.readOnly)
      errors.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `"${name}" is a read only property; its value cannot be set.`,
      });
    else if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      errors.push({
        name,
        error: 'INVALID_OPTION',
        message: `${JSON.stringify(v)} was not a valid value for ${name}`,
      });
    else {
      const text = v === null || v === '' ? null : String(v);
      if (text !== null && def.type === 'datetime') {
        const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
        if (Number.isNaN(ms)) {
          errors.push({
            name,
            error: 'INVALID_DATE',
            message: `${JSON.stringify(text)} is not a valid datetime for ${name}: use ISO 8601 or epoch milliseconds`,
          });
          continue;
        }
        values.push([name, new Date(ms).toISOString()]);
      } else values.push([name, text]);
    }
  }
  return errors.length ? { ok: false, response: invalidProperties(errors) } : { ok: true, values };
}

/** A new Company property definition, checked the way HubSpot does (a 409 when the name is taken). */
export function checkPropertyDefinition(
  definitions: ReadonlyMap<string, FakePropertyDefinition>,
  b: unknown,
):
  | { ok: true; name: string; init: Omit<FakePropertyDefinition, 'name' | 'readOnly' | 'hubspotDefined'> }
  | { ok: false; response: FakeRouteResponse } {
  const fail = (status: number, category: string, message: string) =>
    ({ ok: false, response: hsError(status, category, message) }) as const;
  if (!isRecord(b)) return fail(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a property definition object.');
  const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter(
    (k) => typeof b[k] !== 'string' || b[k] === '',
  );
  if (missing.length) return fail(400, 'VALIDATION_ERROR', `Property definition is missing ${missing.join(', ')}.`);
  const name = b.name as string;
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    return fail(
      400,
      'VALIDATION_ERROR',
      `Property name "${name}" must be lower case letters, digits and underscores, starting with a letter.`,
    );
  if (!TYPES.has(b.type as string)) return fail(400, 'VALIDATION_ERROR', `Unknown property type "${String(b.type)}".`);
  if (!FIELD_TYPES.has(b.fieldType as string))
    return fail(400, 'VALIDATION_ERROR', `Unknown fieldType "${String(b.fieldType)}".`);
  if (!GROUPS.has(b.groupName as string))
    return fail(400, 'VALIDATION_ERROR', `Property group "${String(b.groupName)}" does not exist.`);
  if (definitions.has(name)) return fail(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`);
  return {
    ok: true,
    name,
    init: {
      label: b.label as string,
      type: b.type as string,
      fieldType: b.fieldType as string,
      groupName: b.groupName as string,
      ...(typeof b.description === 'string' ? { description: b.description } : {}),
    },
  };
}
