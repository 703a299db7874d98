import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SimulatorOptions, Step, STEPS, TALKDESK_TIMEOUT_MS } from './simulator';

export const USAGE = `Usage: npm run simulate -- --url <bridge> --auth '<json>' [options]

Plays Talkdesk against a bridge and checks every response against the contract
(authorization validation, full and incremental contact sync, agent sync, interaction
retrieval, optionally an action).

  --url <url>                  base URL of the bridge, e.g. http://localhost:3000
  --auth <json>                the auth object Talkdesk sends, e.g. '{"username":"u","password":"p"}'
  --auth-file <path>           read that object from a file instead (keeps secrets off the command line)
  --keep-auth-field <name>     a field of auth the wrong-credentials check leaves as it is, such as a
                               tenant URL (repeatable)
  --timeout-ms <ms>            a response must be complete within this (default ${TALKDESK_TIMEOUT_MS}, Talkdesk's limit)
  --max-pages <n>              a sync still paging after n pages never ends (default 10000)
  --interaction-types <list>   meta.interaction_types, comma-separated (default ticket,note,call)
  --interaction-samples <n>    synced contacts to open for interactions (default 5)
  --skip <list>                leave out steps: ${STEPS.join(',')}
  --action <name>              also run this action, at /actions/<name>
  --action-path <path>         the action's endpoint path instead
  --action-data <json>         the action's data (its inputs)
  --action-meta <json>         the action's meta, e.g. '{"contact_external_id":"1"}'
  --json                       print the report as JSON on stdout (no progress bar)
  --no-progress                no progress bar
  -h, --help                   this text

Exit status: 0 no violation, 1 contract violated (or bridge unreachable), 2 wrong arguments,
3 the simulator itself failed.`;

export class UsageError extends Error {}

export interface CliSettings {
  options: SimulatorOptions;
  json: boolean;
  progress: boolean;
  help: boolean;
}

function json(name: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} is not valid JSON`);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--auth-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min}`);
  }
  return value;
}

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** Reads the command line of `simulate`; throws UsageError with a message for the user. */
export function parseCli(argv: string[]): CliSettings {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowNegative: true,
      options: {
        url: { type: 'string' },
        auth: { type: 'string' },
        'auth-file': { type: 'string' },
        'keep-auth-field': { type: 'string', multiple: true },
        'timeout-ms': { type: 'string' },
        'max-pages': { type: 'string' },
        'interaction-types': { type: 'string' },
        'interaction-samples': { type: 'string' },
        skip: { type: 'string' },
        action: { type: 'string' },
        'action-path': { type: 'string' },
        'action-data': { type: 'string' },
        'action-meta': { type: 'string' },
        json: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    return { options: { url: '', auth: {} }, json: false, progress: false, help: true };
  }
  if (!v.url) throw new UsageError('--url is required');
  let url: URL;
  try {
    url = new URL(v.url);
  } catch {
    throw new UsageError('--url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--url must be http(s)');
  }
  if (v.auth !== undefined && v['auth-file'] !== undefined) {
    throw new UsageError('give --auth or --auth-file, not both');
  }
  const auth =
    v['auth-file'] !== undefined
      ? json('auth-file', readText(v['auth-file']))
      : json('auth', v.auth);
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    throw new UsageError(
      '--auth (or --auth-file) is required: a JSON object, e.g. \'{"username":"u","password":"p"}\'',
    );
  }
  const skip = list(v.skip) ?? [];
  const unknown = skip.filter((s) => !(STEPS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `--skip: unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.join(', ')}`,
    );
  }
  if (!v.action && (v['action-path'] || v['action-data'] || v['action-meta'])) {
    throw new UsageError('--action-path, --action-data and --action-meta need --action <name>');
  }
  const types = list(v['interaction-types']);
  if (types !== undefined && types.length === 0) {
    throw new UsageError('--interaction-types needs at least one type');
  }
  const options: SimulatorOptions = {
    url: v.url,
    auth: auth as Record<string, unknown>,
    ...(v['keep-auth-field'] && { keepAuthFields: v['keep-auth-field'] }),
    timeoutMs: positiveInt('timeout-ms', v['timeout-ms'], TALKDESK_TIMEOUT_MS),
    maxPages: positiveInt('max-pages', v['max-pages'], 10_000),
    interactionSamples: positiveInt('interaction-samples', v['interaction-samples'], 5, 0),
    skip: skip as Step[],
    ...(types && { interactionTypes: types }),
    ...(v.action && {
      action: {
        name: v.action,
        ...(v['action-path'] && { path: v['action-path'] }),
        data: json('action-data', v['action-data']) ?? {},
        ...(v['action-meta'] !== undefined && { meta: json('action-meta', v['action-meta']) }),
      },
    }),
  };
  return { options, json: v.json, progress: v.progress && !v.json, help: false };
}
