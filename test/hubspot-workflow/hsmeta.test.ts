import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  runPublishWorkflowActionCli,
  workflowActionDefinition,
  workflowActionHsMeta,
  type WorkflowActionDefinition,
} from '../../src/hubspot/workflow-action/index';

// The developer-platform project file carries the same action as the API definition.

const actionUrl = 'https://kyb.example.com/hubspot/action';

/** What must be the same in both routes: inputs, dependencies, labels, object types, object properties, outputs and the action URL. */
function sameAction(definition: WorkflowActionDefinition, config: Record<string, unknown>): void {
  expect(config.actionUrl).toBe(definition.actionUrl);
  expect(config.inputFields).toEqual(definition.inputFields);
  expect(config.inputFieldDependencies).toEqual(definition.inputFieldDependencies);
  expect(config.labels).toEqual(definition.labels);
  expect(config.objectTypes).toEqual(definition.objectTypes);
  expect(config.objectRequestOptions).toEqual(definition.objectRequestOptions);
  expect(config.outputFields).toEqual(definition.outputFields);
  expect(config.isPublished).toBe(definition.published);
}

describe('workflowActionHsMeta', () => {
  it("is HubSpot's *-hsmeta.json shape for the same definition", () => {
    const definition = workflowActionDefinition({ actionUrl, published: true, languages: ['en', 'fr'] });
    const file = workflowActionHsMeta(definition, { uid: 'fml_start_kyb_case' });
    expect(Object.keys(file)).toEqual(['uid', 'type', 'config']);
    expect(file).toMatchObject({
      uid: 'fml_start_kyb_case',
      type: 'workflow-action',
      config: { isPublished: true, supportedClients: [{ client: 'WORKFLOWS' }] },
    });
    sameAction(definition, file.config);
    // The API's names stay out of the project file.
    for (const apiOnly of ['published', 'functions']) expect(file.config).not.toHaveProperty(apiOnly);
    // A copy: editing the file does not change the definition.
    file.config.inputFields[0]!.isRequired = true;
    expect(definition.inputFields[0]!.isRequired).toBe(false);
  });

  it('refuses a bad uid, and a definition with functions it could not carry', () => {
    const definition = workflowActionDefinition({ actionUrl });
    for (const uid of ['', 'has space', 'a'.repeat(65), 'ü', undefined])
      expect(() => workflowActionHsMeta(definition, { uid: uid as string })).toThrow(/uid must be/);
    expect(() =>
      workflowActionHsMeta(
        { ...definition, functions: [{ functionType: 'PRE_ACTION_EXECUTION', functionSource: 'exports.main = …' }] },
        { uid: 'x' },
      ),
    ).toThrow(/functions/);
  });
});

describe('fml-publish-workflow-action --hsmeta', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fml-hsmeta-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPublishWorkflowActionCli(argv, {
      env: {},
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
      fetch: () => Promise.reject(new Error('no network in this test')),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('writes the project file (no app id, no credentials) carrying what --dry-run would publish', async () => {
    const file = join(dir, 'src', 'app', 'workflow-actions', 'fml-kyb-hsmeta.json');
    const res = await run(['--hsmeta', file, '--action-url', actionUrl, '--languages', 'en,de', '--uid', 'kyb_case']);
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(res.out).toContain('hs project upload');
    const written = JSON.parse(await readFile(file, 'utf8')) as {
      uid: string;
      type: string;
      config: Record<string, unknown>;
    };
    expect([written.uid, written.type]).toEqual(['kyb_case', 'workflow-action']);
    const api = JSON.parse(
      (await run(['--dry-run', '--action-url', actionUrl, '--languages', 'en,de'])).out,
    ) as WorkflowActionDefinition;
    sameAction(api, written.config);
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('prints to stdout with -, defaults the uid, and refuses a name HubSpot would not read', async () => {
    const res = await run(['--hsmeta', '-', '--action-url', actionUrl]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({
      uid: 'fml_start_kyb_case',
      type: 'workflow-action',
      config: { actionUrl },
    });
    const wrong = await run(['--hsmeta', join(dir, 'action.json'), '--action-url', actionUrl]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/\*-hsmeta\.json/);
    expect(
      (await run(['--hsmeta', join(dir, 'x-hsmeta.json'), '--action-url', actionUrl, '--uid', 'bad uid'])).code,
    ).toBe(2);
  });
});
