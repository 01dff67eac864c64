#!/usr/bin/env node
// The HubSpot → FML → webhook → HubSpot round trip, end to end, on this machine:
//   FML's API        → the local sandbox (@firstmilelabs/cases/sandbox)
//   HubSpot's CRM    → a local fake of its Companies API (startFakeHubSpot)
//   the workflow     → the paste-ready dist/hubspot/fml-hubspot-action.js, loaded like HubSpot loads it
//   your receiver    → createNodeWebhookHandler + updateCompanyFromEvent on a node:http server
// Run with `npm run demo` (builds first). Exits 0 when every step did what it should, 1 otherwise.
// FML_DIST_DIR=<dir> runs it against a build elsewhere (the tests build into a temp dir); default dist/.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST_DIR = process.env.FML_DIST_DIR
  ? resolve(process.env.FML_DIST_DIR)
  : fileURLToPath(new URL('../dist/', import.meta.url));
const dist = (path) => join(DIST_DIR, path);
const load = (path) => import(pathToFileURL(dist(path)).href);
const ACTION_FILE = dist('hubspot/fml-hubspot-action.js');

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');

class DemoFailure extends Error {}
const check = (condition, what) => {
  if (!condition) throw new DemoFailure(what);
};
const say = (line = '') => console.log(line);
const done = (line) => say(`   ${green('✓')} ${line}`);
let stepNo = 0;
const step = (title) => say(`\n${bold(`${++stepNo}. ${title}`)}`);
const short = (id) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

/** A plain-text table: columns padded to their widest cell. */
function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `   ${cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(head), `   ${widths.map((w) => '─'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

async function main() {
  for (const file of ['sandbox/index.js', 'webhooks/index.js', 'hubspot/index.js', 'hubspot/fml-hubspot-action.js']) {
    check(
      existsSync(dist(file)),
      `${dist(file)} is missing: run \`npm run build\` (or \`npm run demo\`, which builds first).`,
    );
  }
  const sandboxModule = await load('sandbox/index.js');
  const { createNodeWebhookHandler } = await load('webhooks/index.js');
  const { ensureCompanyProperties, updateCompanyFromEvent } = await load('hubspot/index.js');
  const { loadCustomCodeAction } = await import('./demo/hubspot-runtime.mjs');
  const { startSandbox, startFakeHubSpot } = sandboxModule;
  check(
    typeof startFakeHubSpot === 'function',
    'dist/sandbox does not export startFakeHubSpot (src/sandbox/index.ts must re-export it from ./fake-hubspot).',
  );

  say(bold('FML Cases SDK — the HubSpot round trip, run locally'));
  say(
    dim(
      'A Company becomes ready for KYB → the Custom Code action starts an FML case → FML webhooks update the Company.',
    ),
  );
  say(dim(`Built files: ${DIST_DIR}`));

  const closers = [];
  try {
    // ── 1 ─────────────────────────────────────────────────────────────────────────────────────────
    step('Start FML (sandbox), HubSpot (fake CRM API) and your webhook receiver');
    const apiLog = [];
    const sb = await startSandbox({ onRequest: (e) => apiLog.push(e) });
    closers.push(() => sb.close());
    const hs = await startFakeHubSpot();
    closers.push(() => hs.close());
    done(`FML sandbox      ${sb.url}  (API client ${sb.clientId})`);
    done(`HubSpot CRM API  ${hs.url}  (private app token ${dim('•••')})`);

    const applied = [];
    const chains = new Map();
    // One Company's events are applied one at a time, in arrival order: FML may deliver them in parallel.
    const serially = (key, work) => {
      const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
      chains.set(
        key,
        next.catch(() => {}),
      );
      return next;
    };
    const receive = createNodeWebhookHandler({
      secret: sb.webhookSecret,
      onEvent: (event) =>
        serially(event.crmRecordId ?? event.caseId, async () => {
          const result = await updateCompanyFromEvent(event, { accessToken: hs.accessToken, baseUrl: hs.url });
          applied.push({ event, result });
          const props = Object.entries(result.properties)
            .filter(
              ([k]) =>
                ![
                  'fml_case_id',
                  'fml_last_event',
                  'fml_last_event_at',
                  'fml_case_status_at',
                  'fml_onboarding_stage_at',
                ].includes(k),
            )
            .map(([k, v]) => `${k}=${v}`)
            .join(' ');
          say(
            `   ${dim('↳ webhook')} ${event.event.padEnd(32)} → Company ${result.companyId ?? '?'} ${result.outcome}${result.reason ? ` (${result.reason})` : ''}${props ? `  ${props}` : ''}`,
          );
        }),
    });
    const receiver = createServer((req, res) => void receive(req, res));
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise((resolve) => {
          receiver.closeAllConnections();
          receiver.close(resolve);
        }),
    );
    const receiverUrl = `http://127.0.0.1:${receiver.address().port}/fml/webhooks`;
    sb.addWebhookEndpoint(receiverUrl);
    done(`Webhook receiver ${receiverUrl}  (verifies X-FML-Signature, de-duplicates on eventId)`);

    // ── 2 ─────────────────────────────────────────────────────────────────────────────────────────
    step('Prepare the portal: create the Company properties (ensureCompanyProperties)');
    const setup = await ensureCompanyProperties({ accessToken: hs.accessToken, baseUrl: hs.url });
    check(setup.created.includes('fml_case_id'), 'ensureCompanyProperties did not create fml_case_id');
    done(`created ${setup.created.join(', ')}`);
    const again = await ensureCompanyProperties({ accessToken: hs.accessToken, baseUrl: hs.url });
    check(
      again.created.length === 0 && again.existing.length === setup.created.length,
      'a second ensureCompanyProperties should find them all (409 = already there)',
    );
    done(
      `run again: nothing to create — all ${again.existing.length} already exist (HubSpot answered 409, which is fine)`,
    );

    // ── 3 ─────────────────────────────────────────────────────────────────────────────────────────
    step('A Company is ready for KYB and enrols in the workflow');
    const company = hs.createCompany({
      name: 'Acme Holdings Ltd',
      country: 'United Kingdom',
      domain: 'acme.example',
      kyb_contact_email: 'jane@acme.example',
      kyb_contact_name: 'Jane Doe',
    });
    const companyId = company.id;
    done(
      `Company ${companyId} "${company.properties.name}" — kyb_contact_email ${company.properties.kyb_contact_email}`,
    );
    const p = company.properties;
    // HubSpot reads the mapped properties into the action's inputs ("Property to include in code").
    const event = {
      origin: { portalId: 4412345, actionDefinitionId: 118 },
      object: { objectType: 'COMPANY', objectId: Number(companyId) },
      inputFields: {
        companyId: p.hs_object_id,
        name: p.name,
        country: p.country,
        email: p.kyb_contact_email,
        contact: p.kyb_contact_name,
      },
      callbackId: 'ap-118-1',
    };

    // ── 4 ─────────────────────────────────────────────────────────────────────────────────────────
    step('The Custom Code action runs (dist/hubspot/fml-hubspot-action.js, Node 24 style: returns its outputs)');
    const actionLog = [];
    const lambda = loadCustomCodeAction(ACTION_FILE, {
      secrets: { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: sb.url },
      log: (l) => actionLog.push(l),
    });
    done(
      `loaded in a fresh node:vm context: secrets in process.env, require() limited to Node built-ins — it required ${lambda.required.length ? lambda.required.join(', ') : 'nothing'}`,
    );
    check(lambda.required.length === 0, 'the bundled action required a module');
    const first = (await lambda.main(event)).outputFields;
    say(
      `   outputs: ${Object.entries(first)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')}`,
    );
    check(first.ok === true, `the action failed: ${first.errorCode} ${first.errorMessage}`);
    check(first.replayed === 'false', `a first run should make a new case (replayed "false"), got "${first.replayed}"`);
    const caseId = first.caseId;
    done(`FML case ${caseId} created, invite sent ${first.inviteSentAt} (Idempotency-Key hubspot-${companyId})`);
    await sb.waitForDeliveries();

    // ── 5 ─────────────────────────────────────────────────────────────────────────────────────────
    step('"Copy property value": caseId → the Company\'s fml_case_id');
    const copied = await fetch(`${hs.url}/crm/v3/objects/companies/${companyId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${hs.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { fml_case_id: caseId } }),
    });
    check(copied.ok, `copying fml_case_id failed: HubSpot answered ${copied.status}`);
    done(`fml_case_id = ${company.properties.fml_case_id}`);

    const timeline = [];
    const snapshot = (label) => {
      const q = company.properties;
      timeline.push([
        label,
        q.fml_case_status ?? '—',
        q.fml_onboarding_stage ?? '—',
        q.fml_decision ?? '—',
        q.fml_last_event ?? '—',
      ]);
    };
    snapshot('case created');

    // ── 6 ─────────────────────────────────────────────────────────────────────────────────────────
    step('HubSpot re-runs the action (a retry, or the Company enrols again) — Node 20 style, with a callback');
    const callbacks = [];
    const second = (await lambda.main(event, (result) => callbacks.push(result))).outputFields;
    check(
      callbacks.length === 1 && callbacks[0].outputFields.caseId === second.caseId,
      'the callback (Node 20) should receive the same outputs the handler returns',
    );
    check(second.ok === true && second.caseId === caseId, 'the re-run should return the same case');
    check(
      second.replayed === 'idempotency-key',
      `the re-run should be a replay (replayed "idempotency-key"), got "${second.replayed}"`,
    );
    const casesForCompany = sb.cases.filter((c) => c.crmRecordId === companyId).length;
    check(casesForCompany === 1, `FML should hold exactly one case for Company ${companyId}, holds ${casesForCompany}`);
    const mints = apiLog.filter((e) => e.path === '/v1/oauth/token').length;
    check(mints === 1, `the warm action should reuse its token (1 mint), minted ${mints}`);
    done(`same case ${caseId}, replayed=${second.replayed} — FML still holds 1 case for this Company`);
    done(`callback received the outputs too; 1 token minted for 2 runs (the warm Lambda kept it)`);
    for (const line of actionLog) say(`   ${dim(`action log: ${line}`)}`);

    // ── 7 ─────────────────────────────────────────────────────────────────────────────────────────
    step('The customer onboards; FML analysts decide — each change arrives as a webhook');
    for (const target of ['collecting_documents', 'application_submitted', 'in_screening', 'approved']) {
      say(`   ${bold('FML')}: case → ${target}`);
      sb.advanceCase(caseId, target);
      await sb.waitForDeliveries();
      snapshot(target);
    }
    const final = company.properties;
    check(final.fml_case_status === 'approved', `fml_case_status should be approved, is ${final.fml_case_status}`);
    check(final.fml_decision === 'approve', `fml_decision should be approve, is ${final.fml_decision}`);
    check(
      final.fml_onboarding_stage === 'decision_made',
      `fml_onboarding_stage should be decision_made, is ${final.fml_onboarding_stage}`,
    );
    check(final.fml_case_id === caseId, 'fml_case_id changed');

    // ── 8 ─────────────────────────────────────────────────────────────────────────────────────────
    step('FML redelivers an old event (same eventId) — nothing changes');
    const old = sb.events.find((e) => e.event === 'case.status.changed' && e.status === 'in-progress');
    check(old, 'no early case.status.changed event to redeliver');
    const appliedBefore = applied.length;
    sb.redeliver(old.eventId);
    await sb.waitForDeliveries();
    check(applied.length === appliedBefore, 'a redelivered event must not be applied twice');
    check(company.properties.fml_case_status === 'approved', 'a redelivered old event must not roll the status back');
    done(
      `receiver answered 200 (duplicate of ${short(old.eventId)}); fml_case_status is still ${company.properties.fml_case_status}`,
    );

    // ── Summary ──────────────────────────────────────────────────────────────────────────────────
    const deliveries = sb.deliveries;
    const delivered = deliveries.filter((d) => d.state === 'delivered').length;
    check(delivered === deliveries.length, `${deliveries.length - delivered} webhook deliveries did not succeed`);
    const updated = applied.filter((a) => a.result.outcome === 'updated').length;
    check(
      applied.every((a) => a.result.companyId === companyId),
      'a webhook updated some other Company',
    );
    const patches = hs.requests.filter((r) => r.method === 'PATCH').length;

    say(`\n${bold(`How Company ${companyId}'s FML properties changed`)}`);
    say(table(['after', 'fml_case_status', 'fml_onboarding_stage', 'fml_decision', 'fml_last_event'], timeline));

    say(`\n${bold('What happened')}`);
    say(
      table(
        ['', 'result'],
        [
          [
            'Custom Code action runs',
            `2 (Node 24 return style, Node 20 callback style) — replayed: false, then idempotency-key`,
          ],
          ['FML cases for the Company', `${casesForCompany} (case ${caseId})`],
          ['FML token mints', `${mints} for 2 runs`],
          ['webhooks delivered', `${delivered}/${deliveries.length} (1 of them a redelivery, ignored as a duplicate)`],
          ['Company updates from webhooks', `${updated} applied via crmRecordId, ${applied.length - updated} skipped`],
          [
            'HubSpot API calls',
            `${hs.requests.length} (${patches} PATCH), all with the private app token, none logged`,
          ],
          [
            'Company now',
            `fml_case_status=${final.fml_case_status} fml_decision=${final.fml_decision} fml_onboarding_stage=${final.fml_onboarding_stage}`,
          ],
        ],
      ),
    );
    say(`\n${green('✓ Round trip complete:')} one case, no duplicates, and the Company reflects FML's decision.`);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

const watchdog = setTimeout(() => {
  console.error(red('\nDEMO FAILED: it did not finish within 60 s.'));
  process.exit(1);
}, 60_000);
watchdog.unref();

main().then(
  () => clearTimeout(watchdog),
  (error) => {
    clearTimeout(watchdog);
    console.error(
      `\n${red('DEMO FAILED')} at step ${stepNo}: ${error instanceof DemoFailure ? error.message : (error?.stack ?? error)}`,
    );
    process.exitCode = 1;
  },
);
