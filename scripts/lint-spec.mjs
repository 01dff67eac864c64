#!/usr/bin/env node
// `npm run lint:spec`: redocly's lint of openapi.yaml, quietly. Redocly prints a banner on every run
// (today a Node 20 deprecation notice) and its report on stderr; keep `npm test` readable by printing
// one line when the spec is clean, and redocly's whole output when it is not.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('@redocly/cli/bin/cli.js');
const run = spawnSync(process.execPath, [cli, 'lint', 'openapi.yaml', ...process.argv.slice(2)], { encoding: 'utf8' });
if (run.status === 0) {
  const warnings = /You have (\d+) warnings?/.exec(run.stderr)?.[1];
  if (warnings) process.stderr.write(run.stderr);
  else console.log('openapi.yaml: redocly lint passed (no errors, no warnings).');
} else {
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  process.exitCode = run.status ?? 1;
}
