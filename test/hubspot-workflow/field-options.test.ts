import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFieldOptionsHandler, type FieldOptionsResponse } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpot, type FakeHubSpot } from '../../src/sandbox/fake-hubspot';
import { onCleanup, runCleanups } from './fixtures';
import { APP_SECRET, goodInputs, outputsOf, startHarness, type Harness } from './harness';

// Field option fetches against the HubSpot stand-ins: the automation fake signs the fetch as the
// workflow editor does, and passes the handler's CRM calls on to the fake CRM (one base URL, as
// api.hubapi.com). The action's real choice: which Company property holds the contact's email / name.

const TOKEN = 'pat-na1-field-options-0123456789abcdef';
let h: Harness | undefined;
let crm: FakeHubSpot;

afterEach(async () => {
  await h?.close();
  h = undefined;
  await runCleanups();
});

async function start(actionOptions = {}): Promise<Harness> {
  crm = await startFakeHubSpot({
    accessToken: TOKEN,
    properties: ['kyb_contact_email', 'kyb_contact_name', 'billing_email', 'account_tier'],
  });
  crm.defineProperty('employee_count', { type: 'number', fieldType: 'number' });
  onCleanup(() => crm.close());
  h = await startHarness({ automationOptions: { crm: { url: crm.url }, accessToken: TOKEN }, actionOptions });
  return h;
}

const optionsUrl = (field: string) => `${h!.actionUrl}?fieldOptions=${field}`;
const listCalls = () =>
  crm.requests.filter((r) => r.method === 'GET' && r.path === '/crm/v3/properties/companies').length;

describe('field option fetches', () => {
  it("answers a signed fetch with the portal's text Company properties, likely email ones first, searchable", async () => {
    await start();
    const res = await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactEmailProperty') });
    expect(res.status).toBe(200);
    const body = res.body as FieldOptionsResponse;
    expect(body.searchable).toBe(true);
    expect(body.after).toBeUndefined();
    const values = body.options.map((o) => o.value);
    expect(values.slice(0, 2)).toEqual(['kyb_contact_email', 'billing_email']);
    expect(values).toEqual(expect.arrayContaining(['name', 'domain', 'kyb_contact_name', 'account_tier']));
    // Not a single-line text property: a number, a select, a date, a phone number, a textarea.
    for (const other of ['employee_count', 'industry', 'createdate', 'phone', 'description', 'hs_object_id'])
      expect(values).not.toContain(other);
    expect(body.options.find((o) => o.value === 'kyb_contact_email')).toEqual({
      label: 'kyb_contact_email',
      value: 'kyb_contact_email',
      description: 'kyb_contact_email · companyinformation',
    });

    const names = (await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactNameProperty') }))
      .body as FieldOptionsResponse;
    expect(names.options.map((o) => o.value).slice(0, 3)).toEqual(['kyb_contact_name', 'domain', 'name']);
  });

  it('filters by the search text, and lists a portal once per minute however often the user types', async () => {
    let t = Date.now();
    await start({ now: () => t });
    const search = async (q: string) =>
      (
        (await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactEmailProperty'), fetchOptions: { q } }))
          .body as FieldOptionsResponse
      ).options.map((o) => o.value);
    expect(await search('KYB')).toEqual(['kyb_contact_email', 'kyb_contact_name']);
    expect(await search('Country/Reg')).toEqual(['country']);
    expect(await search('zzz')).toEqual([]);
    expect(listCalls()).toBe(1);
    t += 60_001;
    await search('kyb');
    expect(listCalls()).toBe(2);
  });

  it('pages long lists with after', async () => {
    await start();
    for (let i = 0; i < 150; i++) crm.defineProperty(`custom_${String(i).padStart(3, '0')}`);
    const first = (await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactEmailProperty') }))
      .body as FieldOptionsResponse;
    expect(first.options).toHaveLength(100);
    expect(first.after).toBe('100');
    const second = (
      await h!.hubspot.fetchOptions({
        optionsUrl: optionsUrl('contactEmailProperty'),
        fetchOptions: { after: first.after! },
      })
    ).body as FieldOptionsResponse;
    expect(second.after).toBeUndefined();
    const all = [...first.options, ...second.options].map((o) => o.value);
    expect(new Set(all).size).toBe(all.length);
    // The custom ones, name, domain, country, city, and the four text properties the test defined.
    expect(all).toHaveLength(150 + 4 + 4);
  });

  it('refuses a bad signature with 401, and lists nothing', async () => {
    await start();
    const forged = await h!.hubspot.fetchOptions({
      optionsUrl: optionsUrl('contactEmailProperty'),
      signWith: `${APP_SECRET}-wrong`,
    });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: 'invalid_signature', reason: 'signature_mismatch' });
    const unsigned = await h!.hubspot.fetchOptions({
      optionsUrl: optionsUrl('contactEmailProperty'),
      signature: 'none',
    });
    expect(unsigned.status).toBe(401);
    expect(listCalls()).toBe(0);
  });

  it('answers 400 with a clear body for a field it has no options for', async () => {
    await start();
    const res = await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('widgetSize') });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unknown_field',
      message:
        'No options for field "widgetSize": this endpoint lists options for contactEmailProperty, contactNameProperty (named by ?fieldOptions= in the field\'s optionsUrl).',
      fields: ['contactEmailProperty', 'contactNameProperty'],
    });
    expect(listCalls()).toBe(0);
  });

  it("answers 429 with Retry-After while HubSpot's CRM is down, and the next fetch lists again", async () => {
    await start();
    crm.faults.serverError({ status: 502, path: '/crm/v3/properties/companies', times: 5 });
    const down = await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactEmailProperty') });
    expect([down.status, down.headers['retry-after']]).toEqual([429, '5']);
    expect(down.body).toMatchObject({ error: 'hubspot_unavailable' });
    crm.faults.clear();
    expect((await h!.hubspot.fetchOptions({ optionsUrl: optionsUrl('contactEmailProperty') })).status).toBe(200);
  });

  it('serves the same fetches from a separate createFieldOptionsHandler (its own optionsUrl)', async () => {
    await start();
    const handler = createFieldOptionsHandler({
      appSecret: APP_SECRET,
      publicUrl: 'https://kyb.example.com',
      hubspot: { accessToken: TOKEN, baseUrl: h!.hubspot.url },
    });
    const server = createServer((req, res) => void handler.node(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const res = await h!.hubspot.fetchOptions({
      optionsUrl: `http://127.0.0.1:${port}/hubspot/options?fieldOptions=contactNameProperty`,
      signedUrl: 'https://kyb.example.com/hubspot/options?fieldOptions=contactNameProperty',
      originField: 'requestOrigin',
    });
    expect(res.status).toBe(200);
    expect((res.body as FieldOptionsResponse).options[0]!.value).toBe('kyb_contact_name');
  });
});

describe('the chosen Company property at execution time', () => {
  it('reads the contact email (and name) from the chosen properties when the inputs are empty', async () => {
    await start();
    const company = crm.createCompany({
      name: 'Globex',
      kyb_contact_email: 'kyc@globex.example',
      kyb_contact_name: 'Hank Scorpio',
    });
    const run = await h!.hubspot.execute({
      actionUrl: h!.actionUrl,
      objectId: company.id,
      inputFields: goodInputs({
        contactEmail: '',
        contactName: '',
        contactEmailProperty: 'kyb_contact_email',
        contactNameProperty: 'kyb_contact_name',
        waitForDecision: 'false',
      }),
    });
    expect(outputsOf(run.body).hs_execution_state).toBe('SUCCESS');
    expect(h!.sb.cases[0]).toMatchObject({ customerEmail: 'kyc@globex.example', customerName: 'Hank Scorpio' });
    expect(crm.requests.filter((r) => r.path === `/crm/v3/objects/companies/${company.id}`)).toHaveLength(1);
  });

  it('a typed or mapped email wins over the chosen property (HubSpot is not asked)', async () => {
    await start();
    const company = crm.createCompany({ kyb_contact_email: 'kyc@globex.example' });
    const run = await h!.hubspot.execute({
      actionUrl: h!.actionUrl,
      objectId: company.id,
      inputFields: goodInputs({ contactEmailProperty: 'kyb_contact_email', waitForDecision: 'false' }),
    });
    expect(outputsOf(run.body).hs_execution_state).toBe('SUCCESS');
    expect(h!.sb.cases[0]!.customerEmail).toBe('jane.doe@acme.example');
    expect(crm.requests).toHaveLength(0);
  });

  it('answers FAIL_CONTINUE naming the property when it is empty on the Company', async () => {
    await start();
    const company = crm.createCompany({ name: 'Empty Co' });
    const run = await h!.hubspot.execute({
      actionUrl: h!.actionUrl,
      objectId: company.id,
      inputFields: goodInputs({ contactEmail: '', contactEmailProperty: 'kyb_contact_email' }),
    });
    const out = outputsOf(run.body);
    expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
    expect(out.errorMessage).toContain('the Company property "kyb_contact_email" chosen in "contactEmailProperty"');
    expect(h!.sb.cases).toHaveLength(0);
  });

  it('answers 429 (retry later) when HubSpot cannot be read, and the retry goes through', async () => {
    await start();
    const company = crm.createCompany({ kyb_contact_email: 'kyc@globex.example' });
    crm.faults.serverError({ status: 503, path: `/crm/v3/objects/companies/${company.id}`, times: 10 });
    const inputs = goodInputs({
      contactEmail: '',
      contactEmailProperty: 'kyb_contact_email',
      waitForDecision: 'false',
    });
    const down = await h!.hubspot.execute({ actionUrl: h!.actionUrl, objectId: company.id, inputFields: inputs });
    expect([down.status, down.headers['retry-after']]).toEqual([429, '60']);
    expect(down.body).toMatchObject({ error: 'hubspot_unavailable' });
    crm.faults.clear();
    const retried = await h!.hubspot.execute({
      actionUrl: h!.actionUrl,
      objectId: company.id,
      callbackId: down.callbackId,
      inputFields: inputs,
    });
    expect(outputsOf(retried.body).hs_execution_state).toBe('SUCCESS');
  });
});
