#!/usr/bin/env node
// `npm run lint:package`: publint and arethetypeswrong on the packed package, quietly. Each prints a
// long report even when all is well; print one line per tool when it passes, its whole report when not.
import { spawnSync } from 'node:child_process';

const checks = [
  ['publint', ['publint', '--strict']],
  ['attw', ['attw', '--pack', '.', '--profile', 'node16', '--exclude-entrypoints', './openapi.yaml']],
];
for (const [name, argv] of checks) {
  const run = spawnSync('npx', ['--no-install', ...argv], { encoding: 'utf8' });
  if (run.status === 0) {
    console.log(`${name}: passed.`);
    continue;
  }
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.error(`${name}: failed (exit ${run.status}).`);
  process.exitCode = 1;
}
