import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { findDrift, generate } from '../../scripts/generate.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/generate.mjs');
const run = promisify(execFile);

/** A scratch checkout holding just what the generator reads and writes. */
async function scratchCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fml-contract-'));
  await cp(join(ROOT, 'openapi.yaml'), join(dir, 'openapi.yaml'));
  await cp(join(ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
  return dir;
}

const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('generated/ drift', () => {
  it('matches, byte for byte, what openapi.yaml produces', async () => {
    const drift = await findDrift(await generate());
    const named = drift.map((d) => `${d.path} (${d.problem})`).join(', ');
    expect(drift, `generated/ is out of date: ${named}. Run \`npm run generate\`.`).toEqual([]);
  });

  it('produces the same bytes on every run', async () => {
    const [first, second] = await Promise.all([generate(), generate()]);
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it('names the edited, missing and stale files after generated/ is tampered with', async () => {
    const dir = await scratchCopy();
    scratch.push(dir);
    const ts = join(dir, 'generated/openapi.ts');
    await writeFile(ts, `${await readFile(ts, 'utf8')}\n// hand edit\n`);
    await rm(join(dir, 'generated/schemas/webhooks/case.created.v1.json'));
    await writeFile(join(dir, 'generated/schemas/webhooks/case.renamed.v1.json'), '{}\n');

    const drift = await findDrift(await generate({ root: dir }), { root: dir });

    expect(drift).toEqual([
      { path: 'generated/openapi.ts', problem: 'differs' },
      { path: 'generated/schemas/webhooks/case.created.v1.json', problem: 'missing' },
      { path: 'generated/schemas/webhooks/case.renamed.v1.json', problem: 'stale' },
    ]);
  });

  it('reports a spec change as drift in exactly the files it affects', async () => {
    const dir = await scratchCopy();
    scratch.push(dir);
    const spec = join(dir, 'openapi.yaml');
    const text = await readFile(spec, 'utf8');
    const anchor = '              const: case.submitted\n';
    expect(text).toContain(anchor);
    await writeFile(spec, text.replace(anchor, `${anchor}            submittedAt:\n              type: string\n`));

    const drift = await findDrift(await generate({ root: dir }), { root: dir });

    expect(drift.map((d) => d.path)).toEqual([
      'generated/openapi.ts',
      'generated/schemas/webhooks/case.submitted.v1.json',
    ]);
  });

  it('--check exits 1 naming the drifted files and writes nothing; without --check it repairs them', async () => {
    const dir = await scratchCopy();
    scratch.push(dir);
    const file = join(dir, 'generated/schemas/webhooks/screening.completed.v1.json');
    await writeFile(file, '{"tampered":true}\n');

    const check = await run(process.execPath, [SCRIPT, '--check', `--root=${dir}`]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('generated/schemas/webhooks/screening.completed.v1.json (differs)');
    expect(check.stderr).not.toContain('generated/openapi.ts');
    expect(await readFile(file, 'utf8')).toBe('{"tampered":true}\n');

    await run(process.execPath, [SCRIPT, `--root=${dir}`]);
    expect(await findDrift(await generate({ root: dir }), { root: dir })).toEqual([]);
    await run(process.execPath, [SCRIPT, '--check', `--root=${dir}`]);
    // Three real node processes that each load openapi-typescript: generous, since CI shares 2 cores.
  }, 120_000);
});
