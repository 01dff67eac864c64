#!/usr/bin/env node
// Runs the runtime-independent suites (client, webhooks, sandbox, contract) on real Node 22 and 24,
// fetched from the npm registry's `node` package, after the machine's own Node ran them in `npm test`.
// The HubSpot bundle tests already run the paste-ready file on Node 20 and 24 themselves.
//
//   npm run test:matrix            # Node 22 and 24
//   npm run test:matrix -- 24      # one version
import { spawnSync } from 'node:child_process';

const versions = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];
const suites = ['test/client', 'test/webhooks', 'test/sandbox', 'test/contract'];
const results = [];
for (const major of versions) {
  // `npx -y node@N` installs (or reuses) that Node; asking it for its own path lets vitest run under it.
  const probe = spawnSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath + " " + process.version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    results.push({ node: major, result: `could not fetch node@${major}: ${probe.stderr.trim().split('\n').pop()}` });
    continue;
  }
  const [bin, version] = probe.stdout.trim().split(' ');
  console.log(`\n## Node ${version}\n`);
  const run = spawnSync(bin, ['node_modules/vitest/vitest.mjs', 'run', ...suites], { stdio: 'inherit' });
  results.push({ node: version, result: run.status === 0 ? 'passed' : `failed (exit ${run.status})` });
}
console.table(results);
process.exit(results.every((r) => r.result === 'passed') ? 0 : 1);
