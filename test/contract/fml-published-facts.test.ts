// The SDK against FML's own published event schemas (fml-api.md §7, transcribed in
// test/fixtures/fml-published-facts.ts): events generated from those facts — RFC 3339 date-times in every
// form, integers past 2^53, every listed enum value, optional fields present, absent or null where FML
// allows null, extra fields — always parse as their known event type, and validate under the shipped
// JSON Schemas; the shipped schemas and the runtime schemas keep every fact field by field; and FML's
// schemas load next to ours in one validator.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKnownEvent, parseEvent } from '../../src/webhooks';
import { FML_EVENT_FACTS, type Fact, type ObjectFacts, fmlJsonSchema } from '../fixtures/fml-published-facts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const DIR = new URL('../../generated/schemas/webhooks/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as {
  schemas: { event: string; file: string; $id: string }[];
};
const shipped = Object.fromEntries(
  index.schemas.map((s) => [s.event, JSON.parse(readFileSync(new URL(s.file, DIR), 'utf8')) as JsonSchema]),
);
const EVENTS = Object.keys(FML_EVENT_FACTS);

interface JsonSchema {
  $id?: string;
  type?: string | string[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  examples?: unknown[];
  minimum?: number;
  format?: string;
  const?: unknown;
}

// One validator holding FML's schemas and the SDK's, as a connector author would load them.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
for (const event of EVENTS) ajv.addSchema(fmlJsonSchema(event));
for (const event of EVENTS) ajv.addSchema(shipped[event]!);
const fmlValidates = (event: string, value: unknown) =>
  ajv.validate(`https://www.firstmilelabs.com/schemas/webhooks/${event}.v1.json`, value);
const sdkValidates = (event: string, value: unknown) => ajv.validate(shipped[event]!.$id!, value);

// ---- generators of what FML's schemas accept ------------------------------------------------------

const two = (n: number) => String(n).padStart(2, '0');
const daysIn = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** RFC 3339 `date-time` in every form: `T`/`t`, `Z`/`z` or an offset, fractions of any length, a real leap second. */
const rfc3339 = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    leap: fc.boolean(),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
    t: fc.constantFrom('T', 't'),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '+00:00', '-00:00'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
    ),
  })
  .map(({ year, month, day, hour, minute, second, leap, fraction, t, zone }) => {
    const date = `${String(year).padStart(4, '0')}-${two(month)}-${two(Math.min(day, daysIn(year, month)))}`;
    const frac = fraction === undefined ? '' : `.${fraction}`;
    // A leap second is 23:59:60 UTC, i.e. at the UTC instant; keep it to UTC zones so it is a real one.
    if (leap) return `${date}${t}23:59:60${frac}${['Z', 'z', '+00:00', '-00:00'].includes(zone) ? zone : 'Z'}`;
    return `${date}${t}${two(hour)}:${two(minute)}:${two(second)}${frac}${zone}`;
  });

/** A JSON integer of any size: kept as a bigint, written as its digits (past 2^53 too). */
const anyInteger = (minimum?: number) =>
  fc.oneof(
    fc.integer({ min: minimum ?? -1_000_000, max: 1_000_000 }).map(BigInt),
    fc.bigInt({ min: minimum === undefined ? -(10n ** 30n) : BigInt(minimum), max: 10n ** 30n }),
    fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, 2n ** 64n, 123456789012345678901234567890n),
  );

const anyJson = fc.jsonValue({ maxDepth: 2 });
const someText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'ca:jane-doe', 'CS-2026-00471', 'système', '💼'),
);

function arbitraryFor(fact: Fact): fc.Arbitrary<unknown> {
  switch (fact.kind) {
    case 'string': {
      const base: fc.Arbitrary<unknown> =
        fact.const !== undefined
          ? fc.constant(fact.const)
          : fact.enum
            ? fc.constantFrom(...fact.enum)
            : fact.format === 'date-time'
              ? rfc3339
              : fact.format === 'uuid'
                ? fc.uuid()
                : someText;
      return fact.nullable ? fc.oneof(base, fc.constant(null)) : base;
    }
    case 'integer':
      return fact.const !== undefined ? fc.constant(BigInt(fact.const)) : anyInteger(fact.minimum);
    case 'any':
      return anyJson;
    case 'array':
      return fc.array(arbitraryForObject(fact.items), { maxLength: 3 });
    case 'object':
      return arbitraryForObject(fact.object);
  }
}

/** Required fields always; optional ones present or absent; plus fields FML may add. */
function arbitraryForObject(
  facts: ObjectFacts,
  known: readonly string[] = Object.keys(facts.properties),
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(Object.entries(facts.properties).map(([name, fact]) => [name, arbitraryFor(fact)]));
  const requiredKeys = facts.required.filter((name) => name in fields);
  const extra = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !known.includes(k) && k !== '__proto__'),
    anyJson,
    { maxKeys: 2 },
  );
  return fc.tuple(fc.record(fields, { requiredKeys }), extra).map(([own, more]) => ({ ...more, ...own }));
}

function arbitraryEvent(event: string): fc.Arbitrary<Record<string, unknown>> {
  const facts = FML_EVENT_FACTS[event]!;
  if (!facts.oneOf) return arbitraryForObject(facts);
  const known = [...Object.keys(facts.properties), ...facts.oneOf.flatMap((branch) => Object.keys(branch.properties))];
  return fc.oneof(
    ...facts.oneOf.map((branch) =>
      fc
        .tuple(arbitraryForObject(facts, known), arbitraryForObject(branch, known))
        .map(([common, own]) => ({ ...common, ...own })),
    ),
  );
}

/** JSON text as FML sends it: bigints written as plain integer literals. */
function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `\uE000big:${v}` : v)).replace(
    /"\uE000big:(-?\d+)"/g,
    '$1',
  );
}

const anyFmlEvent = fc
  .constantFrom(...EVENTS)
  .chain((event) => arbitraryEvent(event).map((payload) => ({ event, text: toJsonText(payload) })));

// ---- the properties -------------------------------------------------------------------------------

describe("events generated from FML's published schemas (§7)", () => {
  it("10,000 events FML's schemas accept: every one parses as its known event type and validates under the shipped schema", () => {
    let refused = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(anyFmlEvent, ({ event, text }) => {
        const json = JSON.parse(text) as unknown;
        // The generator only makes what FML's own schema accepts.
        expect(fmlValidates(event, json), ajv.errorsText()).toBe(true);
        let parsed: ReturnType<typeof parseEvent>;
        try {
          parsed = parseEvent(text);
        } catch (error) {
          refused++;
          throw error;
        }
        expect(isKnownEvent(parsed)).toBe(true);
        expect(parsed.event).toBe(event);
        // Nothing is changed on the way in: the parsed event is the JSON value, big integers included.
        expect(parsed).toEqual(json);
        expect(sdkValidates(event, json), ajv.errorsText()).toBe(true);
        seen.add(event);
      }),
      { numRuns: 10_000, seed: 0x5ec7 },
    );
    expect(refused).toBe(0);
    expect([...seen].sort()).toEqual([...EVENTS].sort());
  }, 180_000); // about 6 s alone; generous for a busy 2-core CI machine

  it.each([
    ['2026-05-16t10:02:00z'],
    ['2016-12-31T23:59:60Z'],
    ['2016-12-31t23:59:60.5+00:00'],
    ['2026-05-16T12:02:00.123456789012+02:00'],
    ['1937-01-01T12:00:27.87+00:20'],
  ])('accepts the timestamp %s', (timestamp) => {
    const payload = toJsonText({
      event: 'case.submitted',
      eventId: '3f1c2a9e-5b7d-4e8f-9a01-2b3c4d5e6f70',
      eventVersion: 1,
      timestamp,
      orgId: 'o',
      caseId: 'c',
    });
    expect(parseEvent(payload).timestamp).toBe(timestamp);
    expect(sdkValidates('case.submitted', JSON.parse(payload))).toBe(true);
  });

  it('keeps the number JSON gives for integers beyond 2^53 (reviewId, riskFactorCount, documentId)', () => {
    const base =
      '"eventId":"3f1c2a9e-5b7d-4e8f-9a01-2b3c4d5e6f70","eventVersion":1,"timestamp":"2026-05-16T10:02:00Z","orgId":"o","caseId":"c"';
    const review = parseEvent(
      `{"event":"ai_review.completed",${base},"reviewId":9007199254740993,"recommendation":"Refer","confidence":"High","riskFactorCount":123456789012345678901234567890,"riskFactors":[],"completedAt":"2026-05-16T10:02:00Z"}`,
    );
    expect(review).toMatchObject({ reviewId: 9007199254740992, riskFactorCount: 1.2345678901234568e29 });
    const corrected = parseEvent(
      `{"event":"data.corrected",${base},"source":"analyst_override","documentId":18446744073709551616,"field":"document_status","originalValue":null}`,
    );
    expect(corrected).toMatchObject({ documentId: 2 ** 64 });
  });
});

describe('the shipped JSON Schemas keep every fact FML publishes, field by field', () => {
  /** The JSON types a shipped (sub)schema allows; undefined when it allows any. */
  const typesOf = (schema: JsonSchema): string[] | undefined => {
    if (schema.anyOf) {
      const all = schema.anyOf.map(typesOf);
      return all.some((t) => t === undefined) ? undefined : (all.flat() as string[]);
    }
    return schema.type === undefined ? undefined : [schema.type].flat();
  };

  function checkObject(where: string, facts: ObjectFacts, ours: JsonSchema, problems: string[]): void {
    for (const name of ours.required ?? [])
      if (!facts.required.includes(name)) problems.push(`${where}.${name}: required by the SDK, optional for FML`);
    for (const [name, fact] of Object.entries(facts.properties)) {
      const field = ours.properties?.[name];
      const at = `${where}.${name}`;
      if (!field) {
        problems.push(`${at}: missing from the shipped schema`);
        continue;
      }
      const types = typesOf(field);
      const allows = (type: string) =>
        types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
      switch (fact.kind) {
        case 'string':
          if (!allows('string')) problems.push(`${at}: must allow a string`);
          if (fact.nullable && !allows('null')) problems.push(`${at}: must allow null`);
          if (fact.neverNull && types?.includes('null')) problems.push(`${at}: FML never sends null here`);
          if (fact.format === 'date-time' && field.format !== 'date-time')
            problems.push(`${at}: must be format date-time`);
          for (const value of fact.enum ?? [])
            if (!(field.examples ?? []).includes(value)) problems.push(`${at}: must list FML's value ${value}`);
          if (fact.enum && (field as { enum?: unknown }).enum) problems.push(`${at}: must stay an open set`);
          break;
        case 'integer':
          if (!allows('integer')) problems.push(`${at}: must allow an integer`);
          if (types && !types.includes('integer')) problems.push(`${at}: must be typed integer`);
          if (field.minimum !== undefined && field.minimum > (fact.const ?? fact.minimum ?? -Infinity))
            problems.push(`${at}: minimum ${field.minimum} is stricter than FML's`);
          break;
        case 'any':
          if (types !== undefined || field.format !== undefined)
            problems.push(`${at}: FML publishes no shape: must accept any JSON`);
          break;
        case 'array':
          if (!allows('array') || !field.items) problems.push(`${at}: must be an array with item facts`);
          else checkObject(`${at}[]`, fact.items, field.items, problems);
          break;
        case 'object':
          checkObject(at, fact.object, field, problems);
          break;
      }
    }
  }

  it.each(EVENTS)('%s', (event) => {
    const facts = FML_EVENT_FACTS[event]!;
    const problems: string[] = [];
    checkObject(event, facts, shipped[event]!, problems);
    // A oneOf branch's fields are optional in the SDK's single object, with the branch's types.
    for (const branch of facts.oneOf ?? [])
      checkObject(
        `${event}(${String((branch.properties.source as { const?: string }).const)})`,
        { ...branch, required: [] },
        { ...shipped[event]!, required: [] },
        problems,
      );
    expect(problems).toEqual([]);
  });

  it("use this package's own $id, never FML's, and load next to FML's own schemas in one validator", () => {
    for (const event of EVENTS) {
      expect(shipped[event]!.$id).toMatch(
        /^https:\/\/cdn\.jsdelivr\.net\/npm\/@firstmilelabs\/cases\/dist\/schemas\/webhooks\//,
      );
      expect(shipped[event]!.$id).not.toContain('firstmilelabs.com');
      expect(ajv.getSchema(shipped[event]!.$id!)).toBeTypeOf('function');
      expect(ajv.getSchema(`https://www.firstmilelabs.com/schemas/webhooks/${event}.v1.json`)).toBeTypeOf('function');
    }
    expect(index.schemas.map((s) => s.$id)).toEqual(index.schemas.map((s) => shipped[s.event]!.$id));
  });
});
