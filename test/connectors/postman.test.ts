import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTION_PATH,
  ENVIRONMENT_PATH,
  findPostmanDrift,
  generatePostman,
} from '../../scripts/generate-postman.mjs';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { RequestLogEntry } from '../../src/sandbox/options';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NEWMAN = join(ROOT, 'node_modules/newman/bin/newman.js');
const run = promisify(execFile);

interface NewmanExecution {
  item: { name: string };
  request: { method: string; url: { path: string[] } };
  response: { code: number };
  assertions?: { assertion: string; error?: unknown }[];
}
interface NewmanReport {
  run: { stats: Record<string, { total: number; failed: number }>; executions: NewmanExecution[]; failures: unknown[] };
}

describe('the Postman collection', () => {
  let sb: Sandbox;
  const log: RequestLogEntry[] = [];
  let dir: string;

  beforeAll(async () => {
    sb = await startSandbox({ onRequest: (e) => log.push(e) });
    dir = await mkdtemp(join(tmpdir(), 'fml-newman-'));
  });
  afterAll(async () => {
    await sb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs green against the sandbox with the documented newman command: token → create → get → list → crm-record-id → events → disposition', async () => {
    const report = join(dir, 'report.json');
    // Exactly docs/connectors.md's command, pointed at this sandbox with --env-var; the JSON reporter is read back.
    const argv = [
      'run',
      COLLECTION_PATH,
      '-e',
      ENVIRONMENT_PATH,
      '--env-var',
      `baseUrl=${sb.url}`,
      '--env-var',
      `clientId=${sb.clientId}`,
      '--env-var',
      `clientSecret=${sb.clientSecret}`,
      '--reporters',
      'json',
      '--reporter-json-export',
      report,
    ];
    await run(process.execPath, [NEWMAN, ...argv], { cwd: ROOT, timeout: 60_000 });
    const { run: result } = JSON.parse(await readFile(report, 'utf8')) as NewmanReport;

    expect(result.failures).toEqual([]);
    const steps = result.executions.map(
      (e) => `${e.request.method} /${e.request.url.path.join('/')} ${e.response.code}`,
    );
    const caseId = sb.cases[0]!.caseId;
    // Folders by tag: the Cases folder includes the crm-record-id link (FML names it; inferred body), the
    // Screening folder the disposition, both on the created case.
    expect(steps).toEqual([
      'POST /v1/oauth/token 200',
      'POST /v1/cases 201',
      `GET /v1/cases/${caseId} 200`,
      'GET /v1/cases 200',
      `POST /api/cases/${caseId}/crm-record-id 200`,
      'GET /v1/events 200',
      `POST /v1/cases/${caseId}/screening/disposition 200`,
    ]);
    for (const e of result.executions) expect(e.assertions?.length, e.item.name).toBeGreaterThanOrEqual(2);
    expect(result.stats.assertions!.failed).toBe(0);
    // The collection reuses its token: one mint for the whole run, none by the pre-request script.
    expect(log.filter((e) => e.path === '/v1/oauth/token')).toHaveLength(1);
    // The create sent the spec's Idempotency-Key example, derived from the CRM record, like the recipe.
    expect(sb.cases).toHaveLength(1);
    expect(sb.cases[0]!.crmRecordId).toBe('12345678901');
  });

  it('a second run replays the create by its Idempotency-Key instead of duplicating the case', async () => {
    const report = join(dir, 'again.json');
    await run(
      process.execPath,
      [
        NEWMAN,
        'run',
        COLLECTION_PATH,
        '-e',
        ENVIRONMENT_PATH,
        '--env-var',
        `baseUrl=${sb.url}`,
        '--env-var',
        `clientId=${sb.clientId}`,
        '--env-var',
        `clientSecret=${sb.clientSecret}`,
        '--reporters',
        'json',
        '--reporter-json-export',
        report,
      ],
      { cwd: ROOT, timeout: 60_000 },
    );
    const { run: result } = JSON.parse(await readFile(report, 'utf8')) as NewmanReport;
    expect(result.failures).toEqual([]);
    expect(result.executions.map((e) => e.response.code)).toEqual([200, 201, 200, 200, 200, 200, 200]);
    expect(sb.cases).toHaveLength(1);
  });

  it('is what openapi.yaml produces (drift check), deterministically, and names a hand edit', async () => {
    const [first, second] = await Promise.all([generatePostman(), generatePostman()]);
    expect([...second.entries()]).toEqual([...first.entries()]);
    expect(await findPostmanDrift(first)).toEqual([]);

    const scratch = await mkdtemp(join(tmpdir(), 'fml-postman-'));
    try {
      await cp(join(ROOT, 'postman'), join(scratch, 'postman'), { recursive: true });
      const collection = join(scratch, COLLECTION_PATH);
      await writeFile(collection, (await readFile(collection, 'utf8')).replace('"Get one case"', '"Get a case"'));
      await rm(join(scratch, ENVIRONMENT_PATH));
      expect(await findPostmanDrift(first, { root: scratch })).toEqual([
        { path: COLLECTION_PATH, problem: 'differs' },
        { path: ENVIRONMENT_PATH, problem: 'missing' },
      ]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('ships the environment variables a user sets, and no secret', async () => {
    const env = JSON.parse(await readFile(join(ROOT, ENVIRONMENT_PATH), 'utf8')) as {
      values: { key: string; value: string }[];
    };
    expect(env.values.map((v) => v.key)).toEqual(['baseUrl', 'clientId', 'clientSecret']);
    expect(env.values.find((v) => v.key === 'clientSecret')!.value).toBe('');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(pkg.files).toContain('postman');
    expect(pkg.exports['./postman/*']).toBe('./postman/*');
  });
});
