import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import {
  cardPlaceholders,
  HUBSPOT_LANGUAGES,
  WORKFLOW_ACTION_INPUTS as INPUT_FIELDS,
  WORKFLOW_ACTION_OUTPUTS as OUTPUT_FIELDS,
  workflowActionDefinition,
} from '../../src/hubspot/workflow-action/index';
import { actionDefinitionSchema, hubspotGuideExample1, hubspotGuideExample3 } from './definition-schema';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(actionDefinitionSchema);
const errorsOf = (value: unknown) =>
  validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const actionUrl = 'https://kyb.example.com/hubspot/action';

describe('workflowActionDefinition', () => {
  it("the schema accepts HubSpot's own documented examples (so it is not tailored to ours)", () => {
    expect(errorsOf(hubspotGuideExample1)).toEqual([]);
    expect(errorsOf(hubspotGuideExample3)).toEqual([]);
    expect(
      errorsOf({ ...hubspotGuideExample1, labels: { en: { actionName: 'x', actionCardName: 'typo' } } }),
    ).not.toEqual([]);
  });

  it('validates against the definition schema', () => {
    expect(errorsOf(workflowActionDefinition({ actionUrl }))).toEqual([]);
    expect(errorsOf(workflowActionDefinition({ actionUrl, published: true, languages: ['en'] }))).toEqual([]);
  });

  it('targets Companies, with the inputs, options, outputs and object properties the handler needs', () => {
    const d = workflowActionDefinition({ actionUrl });
    expect(d.actionUrl).toBe(actionUrl);
    expect(d.objectTypes).toEqual(['COMPANY']);
    expect(d.published).toBe(false);
    expect(d.objectRequestOptions.properties).toEqual(['name', 'country', 'domain']);
    const byName = Object.fromEntries(d.inputFields.map((f) => [f.typeDefinition.name, f]));
    // The definition declares exactly the inputs the handler reads.
    expect(Object.keys(byName).sort()).toEqual(Object.values(INPUT_FIELDS).sort());
    for (const name of ['contactEmail', 'contactName', 'companyName', 'country']) {
      expect(byName[name]!.supportedValueTypes.sort()).toEqual(['OBJECT_PROPERTY', 'STATIC_VALUE']);
      expect(byName[name]!.typeDefinition).toMatchObject({ type: 'string', fieldType: 'text' });
    }
    // The email may come from the Company property chosen in contactEmailProperty, so no input is required.
    expect(d.inputFields.filter((f) => f.isRequired).map((f) => f.typeDefinition.name)).toEqual([]);
    for (const name of ['contactEmailProperty', 'contactNameProperty']) {
      expect(byName[name]!.typeDefinition).toEqual({
        name,
        type: 'enumeration',
        fieldType: 'select',
        optionsUrl: `${actionUrl}?fieldOptions=${name}`,
      });
      expect(byName[name]!.supportedValueTypes).toEqual(['STATIC_VALUE']);
    }
    expect(byName.blockExpiration!.typeDefinition.options!.map((o) => [o.value, o.label])).toEqual([
      ['P1D', '1 day'],
      ['P3D', '3 days'],
      ['P1W', '1 week'],
      ['P2W', '2 weeks'],
      ['P30D', '30 days'],
    ]);
    for (const name of ['sendInvite', 'waitForDecision']) {
      expect(byName[name]!.typeDefinition).toMatchObject({ type: 'enumeration', fieldType: 'select' });
      expect(byName[name]!.typeDefinition.options!.map((o) => o.value)).toEqual(['true', 'false']);
    }
    expect(d.outputFields.map((f) => f.typeDefinition.name).sort()).toEqual(Object.values(OUTPUT_FIELDS).sort());
    expect(d.outputFields.map((f) => f.typeDefinition.name)).toEqual(
      expect.arrayContaining(['caseId', 'customerPortalUrl', 'status', 'decision']),
    );
  });

  it('ships labels in every language HubSpot supports, naming every input, option and output', () => {
    const d = workflowActionDefinition({ actionUrl });
    expect(Object.keys(d.labels).sort()).toEqual([...HUBSPOT_LANGUAGES].sort());
    const inputs = d.inputFields.map((f) => f.typeDefinition.name);
    const outputs = d.outputFields.map((f) => f.typeDefinition.name);
    for (const [language, l] of Object.entries(d.labels)) {
      expect(l.actionName, language).toEqual(expect.any(String));
      for (const name of inputs) expect(l.inputFieldLabels?.[name], `${language} ${name}`).toMatch(/\S/);
      for (const name of outputs) expect(l.outputFieldLabels?.[name], `${language} ${name}`).toMatch(/\S/);
      for (const name of ['sendInvite', 'waitForDecision'])
        expect(Object.keys(l.inputFieldOptionLabels?.[name] ?? {}).sort(), `${language} ${name}`).toEqual([
          'false',
          'true',
        ]);
      expect(Object.keys(l.inputFieldOptionLabels?.blockExpiration ?? {}), language).toEqual([
        'P1D',
        'P3D',
        'P1W',
        'P2W',
        'P30D',
      ]);
      // Card placeholders must reference real inputs, in every language.
      const placeholders = cardPlaceholders(l.actionCardContent ?? '');
      expect(placeholders.length, language).toBeGreaterThan(0);
      for (const p of placeholders) expect(inputs, `${language} {{${p}}}`).toContain(p);
    }
    // Translations are translations, not copies of the English.
    const names = new Set(Object.values(d.labels).map((l) => l.actionName));
    expect(names.size).toBe(HUBSPOT_LANGUAGES.length);
  });

  it('lets callers override labels key by key, add languages, and choose the shipped ones', () => {
    const d = workflowActionDefinition({
      actionUrl,
      languages: ['en', 'fr'],
      labels: {
        en: { actionName: 'Run KYB', inputFieldLabels: { contactEmail: 'Customer email' } },
        it: { actionName: 'Avvia un caso KYB FML', actionCardContent: 'Avvia KYB per {{contactEmail}}' },
      } as never,
    });
    expect(Object.keys(d.labels).sort()).toEqual(['en', 'fr', 'it']);
    expect(d.labels.en).toMatchObject({
      actionName: 'Run KYB',
      inputFieldLabels: { contactEmail: 'Customer email', contactName: 'Contact name' },
    });
    expect(d.labels.en!.actionDescription).toMatch(/First Mile Labs/);
    expect(d.labels.it!.actionName).toBe('Avvia un caso KYB FML');
    expect(d.labels.fr!.actionName).toBe('Lancer un dossier KYB FML');
  });

  it('sets the published flag', () => {
    expect(workflowActionDefinition({ actionUrl, published: true }).published).toBe(true);
  });

  it('lets callers ask for more Company properties', () => {
    expect(
      workflowActionDefinition({ actionUrl, objectProperties: ['name', 'country', 'domain', 'kyb_tier', 'name'] })
        .objectRequestOptions.properties,
    ).toEqual(['name', 'country', 'domain', 'kyb_tier']);
  });

  it('refuses what HubSpot would refuse, with a typed error', () => {
    const bad = [
      () => workflowActionDefinition({ actionUrl: 'http://kyb.example.com/hubspot/action' }),
      () => workflowActionDefinition({ actionUrl: 'not a url' }),
      () => workflowActionDefinition({} as never),
      () => workflowActionDefinition({ actionUrl, languages: ['fr'] }),
      () => workflowActionDefinition({ actionUrl, languages: ['xx' as never] }),
      () => workflowActionDefinition({ actionUrl, labels: { it: { actionCardContent: 'no name' } } }),
      () => workflowActionDefinition({ actionUrl, labels: { en: { actionCardContent: 'KYB for {{contact_email}}' } } }),
      () => workflowActionDefinition({ actionUrl, labels: { en: { inputFieldLabels: { contactEmail: '' } } } }),
    ];
    for (const make of bad) expect(make).toThrow(FmlConfigError);
    expect(() =>
      workflowActionDefinition({ actionUrl, labels: { en: { actionCardContent: 'KYB for {{contact_email}}' } } }),
    ).toThrow(/contact_email/);
    expect(workflowActionDefinition({ actionUrl: 'http://localhost:3000/hubspot/action' }).actionUrl).toBe(
      'http://localhost:3000/hubspot/action',
    );
  });

  it('keeps a __proto__ key in caller labels an ordinary key', () => {
    const labels = JSON.parse(
      '{"en":{"__proto__":{"polluted":true},"inputFieldLabels":{"__proto__":{"polluted":true}}}}',
    );
    const d = workflowActionDefinition({ actionUrl, labels });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(d.labels.en)).toBe(Object.prototype);
    expect((d.labels.en!.inputFieldLabels as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns a fresh copy every time (callers may mutate theirs)', () => {
    const a = workflowActionDefinition({ actionUrl });
    a.labels.en!.actionName = 'changed';
    a.inputFields[0]!.typeDefinition.name = 'changed';
    const b = workflowActionDefinition({ actionUrl });
    expect(b.labels.en!.actionName).toBe('Start FML KYB case');
    expect(b.inputFields[0]!.typeDefinition.name).toBe('contactEmail');
  });

  it('shows the wait limit only while "Wait for FML\'s decision" is Yes (a conditional dependency)', () => {
    const d = workflowActionDefinition({ actionUrl });
    expect(d.inputFieldDependencies).toEqual([
      {
        dependencyType: 'CONDITIONAL_SINGLE_FIELD',
        controllingFieldName: 'waitForDecision',
        controllingFieldValue: 'true',
        dependentFieldNames: ['blockExpiration'],
      },
    ]);
  });

  it('takes more dependencies (SINGLE_FIELD, CONDITIONAL_SINGLE_FIELD), checked against the inputs and by the schema', () => {
    const d = workflowActionDefinition({
      actionUrl,
      inputFieldDependencies: [
        {
          dependencyType: 'SINGLE_FIELD',
          controllingFieldName: 'contactEmailProperty',
          dependentFieldNames: ['contactNameProperty'],
        },
        {
          dependencyType: 'CONDITIONAL_SINGLE_FIELD',
          controllingFieldName: 'sendInvite',
          controllingFieldValue: 'true',
          dependentFieldNames: ['contactName'],
        },
      ],
    });
    expect(d.inputFieldDependencies).toHaveLength(3);
    expect(errorsOf(d)).toEqual([]);
    const bad = (dep: object) => () => workflowActionDefinition({ actionUrl, inputFieldDependencies: [dep as never] });
    expect(
      bad({ dependencyType: 'SINGLE_FIELD', controllingFieldName: 'nope', dependentFieldNames: ['contactName'] }),
    ).toThrow(/controllingFieldName "nope" is not one of the action's inputs/);
    expect(
      bad({ dependencyType: 'SINGLE_FIELD', controllingFieldName: 'contactEmail', dependentFieldNames: ['ghost'] }),
    ).toThrow(/"ghost", which is not one of the action's inputs/);
    expect(
      bad({
        dependencyType: 'SINGLE_FIELD',
        controllingFieldName: 'contactEmail',
        dependentFieldNames: ['contactEmail'],
      }),
    ).toThrow(/cannot depend on itself/);
    expect(
      bad({
        dependencyType: 'CONDITIONAL_SINGLE_FIELD',
        controllingFieldName: 'waitForDecision',
        dependentFieldNames: ['contactName'],
      }),
    ).toThrow(/needs controllingFieldValue/);
    expect(
      bad({
        dependencyType: 'CONDITIONAL_SINGLE_FIELD',
        controllingFieldName: 'waitForDecision',
        controllingFieldValue: 'maybe',
        dependentFieldNames: ['contactName'],
      }),
    ).toThrow(/"maybe" is not an option of waitForDecision \(true, false\)/);
    expect(
      bad({ dependencyType: 'ALWAYS', controllingFieldName: 'waitForDecision', dependentFieldNames: ['contactName'] }),
    ).toThrow(FmlConfigError);
    // The schema catches the same shapes in a hand-written definition.
    const base = workflowActionDefinition({ actionUrl });
    expect(
      errorsOf({
        ...base,
        inputFieldDependencies: [
          {
            dependencyType: 'CONDITIONAL_SINGLE_FIELD',
            controllingFieldName: 'waitForDecision',
            dependentFieldNames: ['blockExpiration'],
          },
        ],
      }),
    ).not.toEqual([]);
    expect(
      errorsOf({
        ...base,
        inputFieldDependencies: [
          {
            dependencyType: 'SINGLE_FIELD',
            controllingFieldName: 'waitForDecision',
            controllingFieldValue: 'true',
            dependentFieldNames: ['blockExpiration'],
          },
        ],
      }),
    ).not.toEqual([]);
    expect(
      errorsOf({
        ...base,
        inputFieldDependencies: [
          { dependencyType: 'SINGLE_FIELD', controllingFieldName: 'waitForDecision', dependentFieldNames: [] },
        ],
      }),
    ).not.toEqual([]);
  });

  it('points option fetches at optionsUrl when given (each field named in the query)', () => {
    const d = workflowActionDefinition({ actionUrl, optionsUrl: 'https://kyb.example.com/hubspot/options?v=2' });
    const urls = d.inputFields.flatMap((f) => (f.typeDefinition.optionsUrl ? [f.typeDefinition.optionsUrl] : []));
    expect(urls).toEqual([
      'https://kyb.example.com/hubspot/options?v=2&fieldOptions=contactEmailProperty',
      'https://kyb.example.com/hubspot/options?v=2&fieldOptions=contactNameProperty',
    ]);
    expect(() => workflowActionDefinition({ actionUrl, optionsUrl: 'http://kyb.example.com/o' })).toThrow(/HTTPS/);
  });
});
