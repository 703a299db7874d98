// @nestjs/* and a few of their dependencies ship as ES modules only; swc turns them into
// CommonJS for jest, which cannot require() ES modules on Node 20.
// The OTLP exporter loads node:http with import(), which jest's CommonJS sandbox refuses: swc
// turns it into require() too.
const esmOnly = [
  '@nestjs',
  'kysely',
  'content-disposition',
  'cookie',
  'light-my-request',
  'typebox',
  '@opentelemetry/otlp-exporter-base',
];
const common = {
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Dynamic imports carry the extension Node needs at run time ('./x.js'); jest reads the .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

// TEST_DATABASE (sqlite, postgres or mariadb) chooses the database the end-to-end specs run on.
// Specs whose subject does not depend on the database (the spec, deployment files, the browser,
// transport and inbound guards, fake adapters, the vendor stand-ins of test/upstreams) run once,
// in the SQLite run; specs of what only a database server does (refused and ended connections,
// statement timeouts, deadlocks, pool sizes) run on PostgreSQL and MariaDB only.
const database = process.env.TEST_DATABASE || 'sqlite';
const databaseFree = [
  '/openapi-drift\\.e2e-spec\\.ts$',
  '/deployment/',
  '/swagger-ui\\.e2e-spec\\.ts$',
  '/docs\\.e2e-spec\\.ts$',
  '/docs-links\\.e2e-spec\\.ts$',
  '/tls\\.e2e-spec\\.ts$',
  '/inbound-protection\\.e2e-spec\\.ts$',
  '/redis-down\\.e2e-spec\\.ts$',
  '/deadlines\\.e2e-spec\\.ts$',
  '/hostile-input\\.e2e-spec\\.ts$',
  '/metrics\\.e2e-spec\\.ts$',
  '/build-info\\.e2e-spec\\.ts$',
  '/simulator\\.e2e-spec\\.ts$',
  '/vendor-simulator\\.e2e-spec\\.ts$',
  '/loaded-libraries\\.e2e-spec\\.ts$',
  '/upstreams/',
];
const serverOnly = ['/sql-server\\.e2e-spec\\.ts$'];

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      rootDir: 'test',
      testRegex: '\\.e2e-spec\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/support/jest-setup.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        ...(database === 'sqlite' ? serverOnly : databaseFree),
      ],
    },
  ],
};
