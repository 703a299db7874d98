import { parseArgs } from 'node:util';
import { EXAMPLE_UPSTREAMS } from './examples';

/**
 * `npm run example:upstream -- <name> [--port <port>]`: runs one of the example upstreams on
 * 127.0.0.1 until stopped (Ctrl-C), and prints how to point the example manifests at it.
 */

const names = Object.keys(EXAMPLE_UPSTREAMS);
const USAGE = `Usage: npm run example:upstream -- <name> [--port <port>]

Runs a stand-in of an external system on http://127.0.0.1:<port> (default 4010), with demo data,
so that the example manifests of connectors/ can be tried end to end. Ctrl-C stops it.

Upstreams:
${names.map((n) => `  ${n.padEnd(12)} ${EXAMPLE_UPSTREAMS[n].about}: ${EXAMPLE_UPSTREAMS[n].manifests.map((m) => `connectors/${m}`).join(', ')}`).join('\n')}`;

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '4010' },
      help: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  const upstream = EXAMPLE_UPSTREAMS[positionals[0] ?? ''];
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(USAGE);
    return 2;
  }
  if (!Object.hasOwn(EXAMPLE_UPSTREAMS, positionals[0]) || !upstream) {
    console.error(`No example upstream "${positionals[0]}": one of ${names.join(', ')}`);
    return 2;
  }
  const standIn = upstream.create();
  try {
    await standIn.server.start(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is in use: choose another with --port`
        : `Cannot listen on port ${port}: ${(error as Error).message}`,
    );
    return 1;
  }
  const baseUrl = `${standIn.server.origin}${upstream.path}`;
  const auth = JSON.stringify(upstream.auth);
  const [first] = upstream.manifests;
  console.log(`${positionals[0]}: ${upstream.about}, listening on ${standIn.server.origin}`);
  console.log(
    `  base URL of ${upstream.manifests.map((m) => `connectors/${m}`).join(', ')}: ${baseUrl}`,
  );
  console.log(`  auth: ${auth}`);
  console.log('');
  console.log('Check a manifest against it:');
  console.log(
    `  npm run connector:check -- connectors/${first} --base-url ${quote(baseUrl)} --auth ${quote(auth)}`,
  );
  console.log('Serve it to Talkdesk (or curl) through the bridge:');
  console.log(
    `  CONNECTOR=rest CONNECTOR_MANIFEST=connectors/${first} CONNECTOR_BASE_URL=${quote(baseUrl)} npm start`,
  );
  console.log(
    `  curl -s localhost:3000/contacts/sync -H 'content-type: application/json' -d ${quote(JSON.stringify({ auth: upstream.auth }))}`,
  );
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standIn.stop();
  console.log(`${positionals[0]}: stopped after ${standIn.server.requests.length} request(s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
