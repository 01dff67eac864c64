import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run demo` is the project's main deliverable: run it as a user would and check what it shows.
// It runs against a build of the current sources made for this test alone, in a temp dir (the demo
// reads FML_DIST_DIR), so it never races the shared dist/ of `npm run build` or another test run.

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
let distDir: string;

/** The demo's entry points, built the way tsup.config.ts builds them (ESM, class names kept), plus the paste-ready files. */
async function buildInto(dir: string): Promise<void> {
  await build({
    entry: {
      'sandbox/index': 'src/sandbox/index.ts',
      'webhooks/index': 'src/webhooks/index.ts',
      'hubspot/index': 'src/hubspot/index.ts',
    },
    outDir: dir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    splitting: false,
    treeshake: true,
    silent: true,
    config: false,
    clean: false,
    esbuildOptions(options) {
      options.keepNames = true;
    },
  });
  const script = join(root, 'scripts/build-hubspot.mjs');
  const { buildHubSpotBundles } = (await import(script)) as {
    buildHubSpotBundles: (o: { outdir: string }) => Promise<unknown>;
  };
  await buildHubSpotBundles({ outdir: join(dir, 'hubspot') });
  // The built files import their dependencies (zod) by name: let them resolve from the repo's node_modules.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

function run(
  cmd: string,
  args: string[],
  timeout: number,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd: root, timeout, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

let demo: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'fml-demo-dist-'));
  await buildInto(distDir);
  demo = await run(process.execPath, ['examples/demo.mjs'], 90_000, { FML_DIST_DIR: distDir });
}, 400_000);

afterAll(() => {
  if (distDir) rmSync(distDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('exits 0 and says the round trip completed', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('✓ Round trip complete');
    expect(demo.stdout).toContain(`Built files: ${distDir}`); // this test's own build, not the shared dist/
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
    for (const event of [
      'case.created',
      'case.status.changed',
      'case.onboarding_progress.changed',
      'case.submitted',
      'case.decision.made',
    ])
      expect(demo.stdout).toMatch(new RegExp(`↳ webhook ${event.replace(/\./g, '\\.')}\\s+→ Company \\d+ updated`));
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
