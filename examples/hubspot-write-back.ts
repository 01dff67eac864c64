/**
 * FML webhooks → HubSpot Company properties, with plain `node:http`.
 *
 * Every verified event updates its Company (found by `crmRecordId`, else by `fml_case_id`): case id,
 * status, onboarding stage, decision, last event and when. A first run creates the properties.
 *
 * Run it (Node 20+; esbuild ships with the dev dependencies):
 *   npx esbuild examples/hubspot-write-back.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.cache/examples/hubspot-write-back.mjs
 *   FML_WEBHOOK_SECRET=whsec_... HUBSPOT_ACCESS_TOKEN=pat-... PORT=3000 node node_modules/.cache/examples/hubspot-write-back.mjs
 * then register http(s)://<your host>:3000/webhooks/fml as an endpoint in the FML console.
 * The private app needs crm.objects.companies.read/write (and crm.schemas.companies.write for the setup).
 */
import { createServer } from 'node:http';
import { ensureCompanyProperties, updateCompanyFromEvent } from '../src/hubspot'; // in your code: '@firstmilelabs/cases/hubspot'
import { createNodeWebhookHandler } from '../src/webhooks'; // in your code: '@firstmilelabs/cases/webhooks'

const secret = process.env.FML_WEBHOOK_SECRET ?? '';
const accessToken = process.env.HUBSPOT_ACCESS_TOKEN ?? '';
if (!secret || !accessToken) throw new Error('Set FML_WEBHOOK_SECRET and HUBSPOT_ACCESS_TOKEN.');

const setup = await ensureCompanyProperties({ accessToken });
console.log(
  `HubSpot properties: created ${setup.created.join(', ') || 'none'}; already there: ${setup.existing.join(', ') || 'none'}`,
);

const receive = createNodeWebhookHandler({
  secret,
  // A throw (HubSpot down, rate limit beyond what the SDK waits for) answers 500, so FML redelivers later.
  onEvent: async (event) => {
    const result = await updateCompanyFromEvent(event, { accessToken });
    console.log(
      `${event.event} ${event.eventId} → ${result.outcome}${result.reason ? ` (${result.reason})` : ''} Company ${result.companyId ?? '-'}`,
    );
    // Just after the workflow ran, a new fml_case_id may not be searchable yet: let FML redeliver.
    if (result.reason === 'not_found' && !event.crmRecordId)
      throw new Error(`no Company has fml_case_id ${event.caseId} yet`);
  },
});

createServer((req, res) => {
  if (req.url === '/webhooks/fml') return void receive(req, res);
  res.statusCode = 404;
  res.end();
}).listen(Number(process.env.PORT ?? 3000), () => console.log('Listening on /webhooks/fml'));
