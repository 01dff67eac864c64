#!/usr/bin/env node
// `fml-publish-workflow-action`: creates or updates the "Start FML KYB case" action in a HubSpot app.
// All logic lives in publish-cli.ts (tested in-process); this only hands it argv and the environment.
import { runPublishWorkflowActionCli } from './publish-cli';

runPublishWorkflowActionCli(process.argv.slice(2), { env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fml-publish-workflow-action: ${(err as Error).message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
