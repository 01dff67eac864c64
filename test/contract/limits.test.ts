import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateCreateCase as sandboxValidate } from '../../src/sandbox/validation';
import { validateCreateCase } from '../../src/internal/validation/create-case';
import { CREATE_CASE_LIMITS, CREATE_CASE_TEXT_FIELDS } from '../../src/internal/validation/limits';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const spec = parse(readFileSync(`${ROOT}openapi.yaml`, 'utf8')) as {
  components: {
    schemas: {
      CreateCaseRequest: {
        properties: Record<string, { type: string; maxLength?: number; 'x-fml-inferred'?: boolean }>;
      };
    };
  };
};
const props = spec.components.schemas.CreateCaseRequest.properties;

describe('create-case field limits: one source', () => {
  it('src/internal/validation/limits.ts equals the maxLength of every string field of CreateCaseRequest', () => {
    const fromSpec = Object.fromEntries(
      Object.entries(props)
        .filter(([, p]) => p.type === 'string')
        .map(([name, p]) => [name, p.maxLength]),
    );
    expect({ ...CREATE_CASE_LIMITS }).toEqual(fromSpec);
    expect(CREATE_CASE_TEXT_FIELDS).toEqual(Object.keys(fromSpec).filter((k) => k !== 'customerEmail'));
  });

  it("marks every limit as the SDK's decision (x-fml-inferred), since FML published none", () => {
    for (const name of Object.keys(CREATE_CASE_LIMITS)) expect(props[name]!['x-fml-inferred'], name).toBe(true);
  });

  it('client (and so the paste-ready action, built from it) and sandbox accept exactly the limit and refuse one character more', () => {
    const email = (n: number) => `${'a'.repeat(n - '@acme.example'.length)}@acme.example`;
    const accepts = (body: Record<string, unknown>) => [
      (() => {
        try {
          validateCreateCase(body);
          return true;
        } catch {
          return false;
        }
      })(),
      sandboxValidate(body).ok,
    ];
    expect(accepts({ customerEmail: email(CREATE_CASE_LIMITS.customerEmail) })).toEqual([true, true]);
    expect(accepts({ customerEmail: email(CREATE_CASE_LIMITS.customerEmail + 1) })).toEqual([false, false]);
    for (const field of CREATE_CASE_TEXT_FIELDS) {
      const max = CREATE_CASE_LIMITS[field];
      expect(accepts({ customerEmail: 'a@acme.example', [field]: 'x'.repeat(max) }), field).toEqual([true, true]);
      expect(accepts({ customerEmail: 'a@acme.example', [field]: 'x'.repeat(max + 1) }), field).toEqual([false, false]);
    }
  });
});

describe("Idempotency-Key replay of errors: the SDK's decision, marked", () => {
  it('marks the createCase Idempotency-Key parameter x-fml-inferred and says what happens to a replayed 400', () => {
    const doc = parse(readFileSync(`${ROOT}openapi.yaml`, 'utf8')) as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; description?: string; 'x-fml-inferred'?: boolean }[] }>
      >;
    };
    const key = doc.paths['/v1/cases']!.post!.parameters!.find((p) => p.name === 'Idempotency-Key')!;
    expect(key['x-fml-inferred']).toBe(true);
    expect(key.description).toMatch(/Replayed errors/);
    expect(key.description).toMatch(/replayErrors/);
    expect(key.description).toMatch(/idempotencyKeySuffix/);
  });
});
