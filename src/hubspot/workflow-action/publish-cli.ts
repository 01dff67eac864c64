import { FmlError } from '../../errors';
import { workflowActionDefinition } from './definition';
import { workflowActionHsMeta } from './hsmeta';
import type { ActionLabels, HubSpotLanguage } from './labels';
import type { AutomationApiVersion } from './paths';
import { publishWorkflowAction } from './publish';

/** Where the publish command reads and writes. */
export interface PublishCliIo {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** @default console.log */
  stdout?: (line: string) => void;
  /** @default console.error */
  stderr?: (line: string) => void;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

const USAGE = `Usage: fml-publish-workflow-action --app-id <id> --action-url <https-url> [options]
       fml-publish-workflow-action --hsmeta <file> --action-url <https-url> [--uid <uid>] [options]

Creates or updates the "Start FML KYB case" action in your HubSpot app through HubSpot's definitions
API (2026-03; --api-version v4 for the legacy paths) — for public apps on the legacy platform.
Apps on HubSpot's new developer platform cannot use that API: --hsmeta writes the project file
instead (src/app/workflow-actions/<name>-hsmeta.json), to deploy with \`hs project upload\`; it needs
no app id and no credentials.
Credentials come from the environment only (never the command line, which shells keep in history):
  HUBSPOT_DEVELOPER_API_KEY   developer API key (sent as hapikey), or
  HUBSPOT_ACCESS_TOKEN        a bearer token allowed to manage the app's actions

Options:
  --app-id <id>          the app id (or HUBSPOT_APP_ID)
  --action-url <url>     where the action handler is served (or WORKFLOW_ACTION_URL)
  --definition-id <id>   update this definition instead of finding one by action URL
  --publish              make the action visible to customers (default: unpublished)
  --new                  always create a new definition
  --languages <list>     e.g. en,fr,de (default: every language HubSpot supports)
  --labels <file.json>   labels to add or override, as { "en": { "actionName": "…" } }
  --base-url <url>       HubSpot's API address (or HUBSPOT_API_BASE_URL)
  --api-version <v>      2026-03 (default) or v4 (legacy paths)
  --hsmeta <file>        write the developer-platform project file (a name ending -hsmeta.json,
                         or - for stdout) instead of calling the API
  --uid <uid>            the project file's uid (default: fml_start_kyb_case)
  --dry-run              print the definition JSON and send nothing
  --help                 show this text`;

const FLAGS = new Set(['--publish', '--new', '--dry-run', '--help']);
const VALUES = new Set([
  '--app-id',
  '--action-url',
  '--definition-id',
  '--languages',
  '--labels',
  '--base-url',
  '--api-version',
  '--hsmeta',
  '--uid',
]);
/** The project file's uid when --uid is not given. */
export const DEFAULT_HSMETA_UID = 'fml_start_kyb_case';

/**
 * The publish command (`npx fml-publish-workflow-action …`): builds the definition, then
 * creates or updates it. Returns the exit code: 0 done, 1 HubSpot or the network failed, 2 bad usage.
 */
export async function runPublishWorkflowActionCli(argv: readonly string[], io: PublishCliIo = {}): Promise<number> {
  const env = io.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const out = io.stdout ?? ((line: string) => console.log(line));
  const err = io.stderr ?? ((line: string) => console.error(line));
  const args = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    if (FLAGS.has(flag)) args.set(flag, true);
    else if (VALUES.has(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) return usage(err, `${flag} needs a value.`);
      args.set(flag, value);
    } else return usage(err, `Unknown option ${flag}.`);
  }
  if (args.has('--help')) {
    out(USAGE);
    return 0;
  }
  const value = (flag: string, envName?: string): string | undefined => {
    const v = args.get(flag);
    return typeof v === 'string' ? v : envName ? env[envName]?.trim() || undefined : undefined;
  };
  const appId = value('--app-id', 'HUBSPOT_APP_ID');
  const actionUrl = value('--action-url', 'WORKFLOW_ACTION_URL');
  if (!actionUrl) return usage(err, 'Give --action-url (or WORKFLOW_ACTION_URL).');

  try {
    const labelsPath = value('--labels');
    const labels = labelsPath ? await readLabels(labelsPath) : undefined;
    const languages = value('--languages')
      ?.split(',')
      .map((l) => l.trim())
      .filter(Boolean) as HubSpotLanguage[] | undefined;
    const definition = workflowActionDefinition({
      actionUrl,
      published: args.has('--publish'),
      ...(languages ? { languages } : {}),
      ...(labels ? { labels } : {}),
    });
    const hsmeta = value('--hsmeta');
    if (hsmeta !== undefined) {
      if (hsmeta !== '-' && !hsmeta.endsWith('-hsmeta.json'))
        return usage(
          err,
          `--hsmeta ${hsmeta}: HubSpot's CLI only reads project files named *-hsmeta.json (e.g. src/app/workflow-actions/fml-kyb-hsmeta.json).`,
        );
      const text = `${JSON.stringify(workflowActionHsMeta(definition, { uid: value('--uid') ?? DEFAULT_HSMETA_UID }), null, 2)}\n`;
      if (hsmeta === '-' || args.has('--dry-run')) out(text.trimEnd());
      else {
        const { mkdir, writeFile } = await import('node:fs/promises');
        const { dirname } = await import('node:path');
        await mkdir(dirname(hsmeta), { recursive: true });
        await writeFile(hsmeta, text, 'utf8');
        out(`Wrote ${hsmeta}: deploy it with \`hs project upload\` from the project folder.`);
      }
      return 0;
    }
    if (args.has('--dry-run')) {
      out(JSON.stringify(definition, null, 2));
      return 0;
    }
    if (!appId) return usage(err, 'Give --app-id (or HUBSPOT_APP_ID).');
    const developerApiKey = env.HUBSPOT_DEVELOPER_API_KEY?.trim() || undefined;
    const accessToken = env.HUBSPOT_ACCESS_TOKEN?.trim() || undefined;
    if (!developerApiKey && !accessToken)
      return usage(err, 'Set HUBSPOT_DEVELOPER_API_KEY (or HUBSPOT_ACCESS_TOKEN) in the environment.');
    const definitionId = value('--definition-id');
    const baseUrl = value('--base-url', 'HUBSPOT_API_BASE_URL');
    const result = await publishWorkflowAction({
      appId,
      definition,
      ...(developerApiKey ? { developerApiKey } : { accessToken: accessToken ?? '' }),
      ...(definitionId ? { definitionId } : {}),
      ...(args.has('--new') ? { matchExisting: false } : {}),
      ...(baseUrl ? { baseUrl } : {}),
      ...(value('--api-version') ? { apiVersion: value('--api-version') as AutomationApiVersion } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    out(
      `${result.created ? 'Created' : 'Updated'} action definition ${result.definitionId} in app ${appId} (${result.published ? 'published' : 'unpublished'}).`,
    );
    return 0;
  } catch (error) {
    // Our errors never hold a credential; anything else is reduced to its message.
    err(
      error instanceof FmlError
        ? `${error.code}: ${error.message}`
        : `Failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return error instanceof FmlError && error.code === 'configuration_error' ? 2 : 1;
  }
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function usage(err: (line: string) => void, problem: string): number {
  err(`${problem}\n\n${USAGE}`);
  return 2;
}

async function readLabels(path: string): Promise<Record<string, Partial<ActionLabels>>> {
  const { readFile } = await import('node:fs/promises');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new FmlError('configuration_error', `Could not read labels from ${path}: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new FmlError(
      'configuration_error',
      `${path} must hold an object of labels per language, e.g. { "en": { "actionName": "…" } }.`,
    );
  return data as Record<string, Partial<ActionLabels>>;
}
