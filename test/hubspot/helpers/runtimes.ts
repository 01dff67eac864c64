import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const resolved = new Map<number, Promise<string>>();

/**
 * The path of a real Node binary of this major version: this process's own when it matches, else the
 * one `npx -y node@<major>` installs (downloaded once, ~7 s; then cached by npx). The path is remembered
 * in the temp dir so other test workers and later runs skip even npx's own ~1 s start.
 */
export function nodeBinary(major: number): Promise<string> {
  let found = resolved.get(major);
  if (!found) {
    found = locate(major);
    resolved.set(major, found);
  }
  return found;
}

async function locate(major: number): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const memo = join(tmpdir(), `fml-sdk-test-node${major}.path`);
  if (existsSync(memo)) {
    const path = readFileSync(memo, 'utf8').trim();
    if (path && existsSync(path)) return path;
  }
  const { stdout } = await run('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { cwd: tmpdir(), timeout: 180_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  const path = stdout.trim().split('\n').pop()!.trim();
  const { stdout: version } = await run(path, ['-p', 'process.versions.node']);
  if (Number(version.trim().split('.')[0]) !== major) throw new Error(`npx node@${major} gave Node ${version.trim()}`);
  writeFileSync(memo, path);
  return path;
}
