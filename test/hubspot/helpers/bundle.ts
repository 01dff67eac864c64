import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** What one runner process reports. */
export interface RunReport {
  node: string;
  /** Modules the action file required that are not Node built-ins (empty, or `redis` with REDIS_URL). */
  loaded: string[];
  results: RunResult[];
  /** What the process printed besides its report: the action's log lines. */
  logs: string[];
  /** How the process ended: `signal` is set when it had to be killed (something held it open). */
  exit: { code: number | null; signal: string | null };
}

export type RunResult =
  | { kind: 'result'; returned: { outputFields: Record<string, string | boolean> }; callbackCalls?: unknown[] }
  | { kind: 'thrown'; error: ThrownError; callbackCalls?: unknown[] };

export interface ThrownError {
  name: string;
  message: string;
  code: string;
  status: number;
  isAxiosError: boolean;
  response: { status: number; headers: Record<string, string> };
  json: string;
  inspected: string;
}

/** Builds the paste-ready files into a fresh temp dir outside the repo (the build script's own code). */
export async function buildBundleDir(): Promise<{
  dir: string;
  action: string;
  sdk: string;
  verify: string;
  cleanup: () => void;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'fml-hubspot-bundle-'));
  const script = resolve(here, '../../../scripts/build-hubspot.mjs');
  const { buildHubSpotBundles } = (await import(script)) as {
    buildHubSpotBundles: (o: { outdir: string }) => Promise<unknown>;
  };
  await buildHubSpotBundles({ outdir: dir });
  copyFileSync(join(here, 'hubspot-runner.cjs'), join(dir, 'runner.cjs'));
  return {
    dir,
    action: join(dir, 'fml-hubspot-action.js'),
    sdk: join(dir, 'fml-sdk.js'),
    verify: join(dir, 'fml-verify.js'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A copy of the action file with its settings block edited, as an admin would edit it. */
export function editedCopy(actionFile: string, name: string, edit: (source: string) => string): string {
  const path = join(resolve(actionFile, '..'), name);
  writeFileSync(path, edit(readFileSync(actionFile, 'utf8')));
  return path;
}

/**
 * Runs `file` in a child process of `nodePath`, with only the given secrets in its environment (plus
 * PATH), from the temp dir, calling exports.main once per event. Killed after 60 s (`exit.signal`).
 */
export function runAction(
  nodePath: string,
  file: string,
  style: 'return' | 'callback',
  events: unknown[],
  secrets: Record<string, string>,
): Promise<RunReport> {
  const dir = resolve(file, '..');
  return new Promise((resolvePromise, reject) => {
    execFile(
      nodePath,
      [join(dir, 'runner.cjs'), file, style, JSON.stringify(events)],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...secrets }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const lines = stdout.split('\n');
        const line = lines.find((l) => l.startsWith('@@RESULT '));
        if (!line) return reject(new Error(`runner gave no result (${error?.message ?? 'no error'}): ${stderr}`));
        const report = JSON.parse(line.slice('@@RESULT '.length)) as RunReport & { fatal?: ThrownError };
        if (report.fatal) return reject(new Error(`runner failed: ${report.fatal.message}`));
        const failed = error as (Error & { code?: number | string; signal?: string | null }) | null;
        report.logs = lines.filter((l) => l !== '' && !l.startsWith('@@RESULT '));
        report.exit = {
          code: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0,
          signal: failed?.signal ?? null,
        };
        resolvePromise(report);
      },
    );
  });
}

/** A HubSpot Custom Code `event` for a Company. */
export function hubspotEvent(companyId: number, inputs: Record<string, unknown> = {}): unknown {
  return {
    origin: { portalId: 4412345, actionDefinitionId: 118 },
    object: { objectType: 'COMPANY', objectId: companyId },
    inputFields: {
      companyId: String(companyId),
      name: 'Acme Holdings Ltd',
      country: 'United Kingdom',
      email: 'jane@acme.example',
      contact: 'Jane Doe',
      ...inputs,
    },
    callbackId: `ap-${companyId}-${Date.now()}`,
  };
}
