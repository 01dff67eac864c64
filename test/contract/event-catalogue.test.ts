// generated/schemas/events.json (shipped as @firstmilelabs/cases/schemas/events.json): one entry per
// event FML names, true to openapi.yaml and reference §7, and its HubSpot column true to what the
// write-back really sets from each example.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { companyPropertiesFromEvent } from '../../src/hubspot';
import { eventExamples } from '../../src/fixtures/index';
import { knownEventNames, type KnownEventName } from '../../src/webhooks';
import { FML_EVENT_FACTS } from '../fixtures/fml-published-facts';

interface Entry {
  event: string;
  version: number;
  description: string;
  firesWhen: string;
  schema: { file: string; $id: string; fml: string };
  personalData: boolean;
  personalDataFields: string[];
  specialCategoryData: boolean;
  hubspotWriteBack: { properties: string[] };
  example: { name: string; summary?: string; value: Record<string, unknown> };
}
const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const catalogue = JSON.parse(readFileSync(root('generated/schemas/events.json'), 'utf8')) as { events: Entry[] };
const byName = new Map(catalogue.events.map((e) => [e.event, e]));
const schemaIndex = JSON.parse(readFileSync(root('generated/schemas/webhooks/index.json'), 'utf8')) as {
  schemas: { event: string; file: string; $id: string }[];
};

describe('the event catalogue (schemas/events.json)', () => {
  it('lists every event FML names, once, with what it is and when it fires', () => {
    expect(catalogue.events.map((e) => e.event)).toEqual(Object.keys(FML_EVENT_FACTS).sort());
    for (const e of catalogue.events) {
      expect(e.version).toBe(1);
      expect(e.description.length, e.event).toBeGreaterThan(10);
      expect(e.firesWhen.length, e.event).toBeGreaterThan(20);
    }
  });

  it("points at each event's shipped JSON Schema (same $id as its index) and at FML's own", () => {
    for (const e of catalogue.events) {
      const indexed = schemaIndex.schemas.find((s) => s.event === e.event)!;
      expect(e.schema.file).toBe(`schemas/webhooks/${indexed.file}`);
      expect(existsSync(root(`generated/${e.schema.file}`))).toBe(true);
      expect(e.schema.$id).toBe(indexed.$id);
      expect(e.schema.fml).toBe(`https://www.firstmilelabs.com/schemas/webhooks/${e.event}.v1.json`);
    }
  });

  it("carries each event's main example, the one the fixtures use", () => {
    for (const name of knownEventNames) {
      const e = byName.get(name)!;
      expect(e.example.value).toEqual(eventExamples[name][0]!.value);
      expect(e.example.name).toBe(eventExamples[name][0]!.name);
    }
  });

  it('flags personal data per field (every field named exists in an example), special-category data only on case.data_package.delivered', () => {
    expect(catalogue.events.filter((e) => e.specialCategoryData).map((e) => e.event)).toEqual([
      'case.data_package.delivered',
    ]);
    for (const e of catalogue.events) {
      expect(e.personalData).toBe(e.personalDataFields.length > 0 || e.specialCategoryData);
      const fields = new Set(eventExamples[e.event as KnownEventName].flatMap((x) => Object.keys(x.value)));
      for (const f of e.personalDataFields) expect(fields.has(f), `${e.event}.${f}`).toBe(true);
    }
    // The ones §5/§7 make obvious: contact emails, screened people's names, the data package.
    expect(byName.get('case.created')!.personalDataFields).toContain('customerEmail');
    expect(byName.get('screening.hit.detected')!.personalDataFields).toContain('subjectName');
    expect(byName.get('screening.completed')!.personalData).toBe(true);
    expect(byName.get('case.data_package.delivered')!.personalData).toBe(true);
  });

  it('names exactly the Company properties updateCompanyFromEvent sets from the event (default names)', () => {
    for (const name of knownEventNames) {
      const set = new Set(
        eventExamples[name].flatMap((x) => Object.keys(companyPropertiesFromEvent(x.value as never))),
      );
      expect([...set].sort(), name).toEqual([...byName.get(name)!.hubspotWriteBack.properties].sort());
    }
  });
});
