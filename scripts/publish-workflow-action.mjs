#!/usr/bin/env node
// Creates or updates the "Start FML KYB case" workflow action in your HubSpot app.
//
//   npm run build
//   HUBSPOT_DEVELOPER_API_KEY=… node scripts/publish-workflow-action.mjs \
//     --app-id 1234567 --action-url https://kyb.example.com/hubspot/action [--publish]
//
// Run with --help for every option. The command itself lives in the package
// (runPublishWorkflowActionCli, tested there); this file only hands it the process's argv and env.

let cli;
try {
  ({ runPublishWorkflowActionCli: cli } = await import('../dist/hubspot/index.js'));
} catch {
  console.error('Build the package first: npm run build');
  process.exit(2);
}
process.exitCode = await cli(process.argv.slice(2), { env: process.env });
