// The runtime schemas agree with the published JSON Schemas (generated from openapi.yaml): every sample
// is valid under both, and every single-field change (removed, or set to each value of a palette) is
// accepted or rejected by both alike.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/webhooks';
import { samples } from './fixtures';

// Only date-time among the formats: the SDK deliberately does not enforce eventId's uuid format.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv, ['date-time']);
const schemaFor = (name: string) =>
  ajv.compile(
    JSON.parse(readFileSync(new URL(`../../generated/schemas/webhooks/${name}.v1.json`, import.meta.url), 'utf8')),
  );

const accepts = (payload: unknown): boolean => {
  try {
    parseEvent(payload as object);
    return true;
  } catch {
    return false;
  }
};

const palette = [null, 0, 1, -1, 1.5, true, 'text', '2026-05-15T09:14:11Z', [], [{}], {}];

describe.each(Object.entries(samples))('%s', (name, sample) => {
  const validate = schemaFor(name);

  it('sample is valid under the published JSON Schema', () => {
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts and rejects single-field changes exactly as the published schema does', () => {
    const keys = [
      ...new Set([...Object.keys(sample), ...Object.keys((validate.schema as { properties: object }).properties)]),
    ].filter((k) => k !== 'event');
    let rejected = 0;
    for (const key of keys) {
      for (const value of [undefined, ...palette]) {
        // The sample with `key` left out (undefined) or set to `value`.
        const { [key]: _left, ...rest } = sample as Record<string, unknown>;
        const changed: Record<string, unknown> = value === undefined ? rest : { ...sample, [key]: value };
        const verdict = validate(changed);
        expect(accepts(changed), `${key} = ${JSON.stringify(value)}`).toBe(verdict);
        if (!verdict) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
