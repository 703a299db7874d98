import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { scaffoldManifest, ScaffoldError } from '../tools/connector-new/connector-new';

const USAGE = `Usage: npm run connector:new -- <name> [--out <file>]

Writes a commented manifest skeleton for the REST connector, connectors/<name>.yaml (or --out),
that validates as written: an API key, a credential check and an incremental contact sync to
adapt, with agents, interactions and actions as commented-out examples. Never overwrites a file.
<name>: lower-case letters, digits, "-" and "_" (e.g. acme-crm).`;

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const root = process.cwd();
  try {
    const file = relative(root, scaffoldManifest({ name: positionals[0], out: values.out, root }));
    console.log(`Wrote ${file}. Next:`);
    console.log(`  npm run connector:check -- ${file}          # it validates`);
    console.log(`  npm run connector:check -- ${file} --auth '{"api_key":"..."}'`);
    console.log('Then adapt it to the API step by step: docs/rest-connector.md.');
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    console.error(error.message);
    return error.usage ? 2 : 1;
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
