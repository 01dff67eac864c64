// The Custom Code action (`companyToCreateCase`) and the workflow action (`executionToCreateCase`) turn a
// Company into the same `POST /v1/cases`: same readers, same limits, same key shape and the same wording of
// a problem, each in its own input names. Checked by feeding both the same values.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { companyToCreateCase } from '../../src/hubspot/company/company-to-case';
import { parseExecutionRequest } from '../../src/hubspot/workflow-action/execution-request';
import { executionToCreateCase } from '../../src/hubspot/workflow-action/to-case';

/** One Company's values, as a Custom Code action's inputs and as a workflow execution. */
function both(values: { id: unknown; email?: unknown; contact?: unknown; name?: unknown; country?: unknown }) {
  const customCode = () =>
    companyToCreateCase({
      companyId: values.id,
      email: values.email,
      contact: values.contact,
      name: values.name,
      country: values.country,
    });
  const parsed = parseExecutionRequest({
    callbackId: 'ap-1',
    origin: { portalId: 111 },
    object: { objectType: 'COMPANY', objectId: values.id, properties: {} },
    inputFields: {
      contactEmail: values.email,
      contactName: values.contact,
      companyName: values.name,
      country: values.country,
      waitForDecision: 'false',
    },
  });
  if (!parsed.ok) throw new Error(`fixture: ${JSON.stringify(parsed.issues)}`);
  const workflow = () => executionToCreateCase(parsed.value);
  return { customCode, workflow };
}

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('one Company → case mapping for both HubSpot actions', () => {
  it('builds the same request from the same values (trimmed, numbers as digits)', () => {
    const { customCode, workflow } = both({
      id: 501,
      email: '  jane@initech.example ',
      contact: 'Jane Doe',
      name: 'Initech',
      country: ' US ',
    });
    const expected = {
      customerEmail: 'jane@initech.example',
      customerName: 'Jane Doe',
      companyName: 'Initech',
      country: 'US',
      crmRecordId: '501',
      crmSource: 'hubspot',
      sendInvite: true,
    };
    expect(customCode().request).toEqual(expected);
    expect(workflow().request).toEqual(expected);
  });

  it('keys the Company the same way, the app naming the portal', () => {
    const { customCode, workflow } = both({ id: '501', email: 'jane@initech.example' });
    expect(customCode().idempotencyKey).toBe('hubspot-501');
    expect(workflow().idempotencyKey).toBe('hubspot-111-501');
  });

  it.each([
    ['an address FML refuses', { email: 'not-an-email' }, ['email', 'contactEmail']],
    ['a name past FML’s limit', { email: 'jane@initech.example', name: 'x'.repeat(5000) }, ['name', 'companyName']],
    ['a country that is an object', { email: 'jane@initech.example', country: { code: 'US' } }, ['country', 'country']],
  ])('refuses %s with the same words, each naming its own input', (_what, values, inputs) => {
    const { customCode, workflow } = both({ id: 501, ...values });
    const a = refusal(customCode);
    const b = refusal(workflow);
    expect(a.fields).toHaveLength(1);
    expect(b.fields).toHaveLength(1);
    const [fa, fb] = [a.fields[0]!, b.fields[0]!];
    // Each message is `<label> <what FML's rule says> (input "<input>")`: strip the names, the rest is equal.
    const strip = (message: string, field: string) =>
      message.replace(` (input "${field}")`, '').replace(/^.*? (must|is) /, '$1 ');
    expect(strip(fb.message, fb.field)).toBe(strip(fa.message, fa.field));
    expect([fa.field, fb.field]).toEqual(inputs); // each action's own input, not the API field
    expect(a.message.startsWith('This Company cannot start an FML case yet (nothing was sent to FML): ')).toBe(true);
    expect(b.message.startsWith('This Company cannot start an FML case yet (nothing was sent to FML): ')).toBe(true);
  });
});
