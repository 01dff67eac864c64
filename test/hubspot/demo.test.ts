import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// `npm run demo` is the project's main deliverable: run it as a user would and check what it shows.
// `npm test` runs vitest before `npm run build`, so this builds dist/ itself when it is missing or older
// than the sources.

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const NEEDED = ['dist/sandbox/index.js', 'dist/webhooks/index.js', 'dist/hubspot/index.js', 'dist/hubspot/fml-hubspot-action.js'].map((p) => join(root, p));
const SOURCES = [join(root, 'src'), join(root, 'scripts/build-hubspot.mjs'), join(root, 'tsup.config.ts'), join(root, 'package.json')];

function newestSource(): number {
  let newest = 0;
  for (const source of SOURCES) {
    if (!existsSync(source)) continue;
    const stat = statSync(source);
    if (!stat.isDirectory()) newest = Math.max(newest, stat.mtimeMs);
    else for (const f of readdirSync(source, { recursive: true }) as string[]) newest = Math.max(newest, statSync(join(source, f)).mtimeMs);
  }
  return newest;
}

const distIsFresh = () => NEEDED.every((f) => existsSync(f) && statSync(f).mtimeMs >= newestSource());

function run(cmd: string, args: string[], timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: root, timeout, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let demo: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  if (!distIsFresh()) {
    const build = await run('npm', ['run', 'build'], 300_000);
    if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  demo = await run(process.execPath, ['examples/demo.mjs'], 90_000);
}, 400_000);

describe('npm run demo', () => {
  it('exits 0 and says the round trip completed', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('✓ Round trip complete');
  });

  it('runs the bundled action like HubSpot would, requiring nothing', () => {
    expect(demo.stdout).toContain('dist/hubspot/fml-hubspot-action.js');
    expect(demo.stdout).toContain('it required nothing');
    expect(demo.stdout).toMatch(/outputs: ok=true caseId="[^"]+" .*replayed="false"/);
  });

  it('replays the re-run without a duplicate, on one token', () => {
    expect(demo.stdout).toContain('replayed=idempotency-key — FML still holds 1 case for this Company');
    expect(demo.stdout).toContain('1 token minted for 2 runs');
  });

  it('copies the case id to fml_case_id and lets every webhook update the Company', () => {
    const caseId = /caseId="([^"]+)"/.exec(demo.stdout)?.[1];
    expect(caseId).toBeTruthy();
    expect(demo.stdout).toContain(`fml_case_id = ${caseId}`);
    for (const event of ['case.created', 'case.status.changed', 'case.onboarding_progress.changed', 'case.submitted', 'case.decision.made']) expect(demo.stdout).toMatch(new RegExp(`↳ webhook ${event.replace(/\./g, '\\.')}\\s+→ Company \\d+ updated`));
    expect(demo.stdout).toMatch(/webhooks delivered\s+(\d+)\/\1 /);
  });

  it('ends with a table showing the Company approved', () => {
    expect(demo.stdout).toMatch(/case created\s+in-progress\s+invite_sent\s+—/);
    expect(demo.stdout).toMatch(/approved\s+approved\s+decision_made\s+approve\s/);
    expect(demo.stdout).toContain('fml_case_status=approved fml_decision=approve fml_onboarding_stage=decision_made');
    expect(demo.stdout).toMatch(/duplicate of .*fml_case_status is still approved/);
  });

  it('never prints a secret', () => {
    expect(demo.stdout).not.toMatch(/sk_test_|whsec_|pat-na1-/);
  });
});
