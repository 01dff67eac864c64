#!/usr/bin/env node
// `fml-sandbox`: serves the local FML sandbox on a port. All logic lives in cli-main.ts (tested in-process).
import { runCli } from './cli-main';

let signals = 0;
runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  onStopSignal(handler) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        // A second Ctrl+C means "now": skip the graceful close.
        if (++signals > 1) process.exit(130);
        handler(signal);
      });
    }
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fml-sandbox: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
