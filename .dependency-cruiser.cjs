/**
 * The layer rules of docs/architecture.md, as code: `npm run lint:deps` (a step of `npm test`)
 * fails on any import that breaks one. Spec files are held to the rules of the layer they test,
 * except that they may use the shared test support.
 */
const FEATURES = '(auth|contacts|agents|interactions|actions|integration|health)';
/** An adapter folder: one connector each, plus the toolkit they share. */
const ADAPTERS = '^src/connectors/(sql|rest|resilience|lookup)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in src/.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'feature-modules-only-from-the-wiring',
      severity: 'error',
      comment:
        'Nothing but app.module.ts, bootstrap.ts and bin/ imports a feature module (a feature may use its own files).',
      from: {
        path: '^src/([^/]+)/',
        pathNot: ['^src/(bin|tools)/', '\\.spec\\.ts$'],
      },
      to: {
        path: `^src/${FEATURES}/`,
        pathNot: `^src/$1/`,
      },
    },
    {
      name: 'adapters-use-ports-common-and-their-own-folder',
      severity: 'error',
      comment:
        'A connector imports only the ports, common/, the shared connector toolkit (resilience, lookup, ' +
        'manifest-common), ' +
        'its own folder, and from the Talkdesk contract only the parts an external system is mapped ' +
        'onto (phones, interaction enumerations, the coded errors). Settings arrive through its ' +
        'module options; observers through port tokens.',
      from: { path: ADAPTERS, pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/connectors/ports/',
          '^src/connectors/resilience/',
          '^src/connectors/lookup/',
          '^src/connectors/manifest-common/',
          '^src/connectors/connector-binding\\.ts$',
          '^src/common/',
          '^src/talkdesk/contract/(phone|interactions|errors)\\.ts$',
          '^src/connectors/$1/',
        ],
      },
    },
    {
      name: 'manifest-vocabulary-is-shared-not-a-connector',
      severity: 'error',
      comment:
        'manifest-common/ is the mapping vocabulary manifests share (paths, templates, JSONata, dates, ' +
        'value maps): it takes those parts of the REST manifest code and nothing else of a connector.',
      from: { path: '^src/connectors/manifest-common/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/connectors/manifest-common/',
          '^src/connectors/rest/manifest/(paths|template|expression|dates|compiled)\\.ts$',
          '^src/connectors/rest/engine/mapper\\.ts$',
          '^src/connectors/ports/',
          '^src/common/',
        ],
      },
    },
    {
      name: 'connectors-never-reach-into-the-app',
      severity: 'error',
      comment:
        'No file under src/connectors/ imports config/, metrics/, tracing/, security/ or a feature module.',
      from: { path: '^src/connectors/' },
      to: { path: `^src/(config|metrics|tracing|security|store|idempotency|${FEATURES})/` },
    },
    {
      name: 'ports-are-the-bottom',
      severity: 'error',
      comment:
        'The ports describe an external system in its own terms: they import only common/ and ' +
        'the error family their errors belong to (talkdesk/contract/errors.ts).',
      from: { path: '^src/connectors/ports/' },
      to: {
        path: '^src/',
        pathNot: ['^src/connectors/ports/', '^src/common/', '^src/talkdesk/contract/errors\\.ts$'],
      },
    },
    {
      name: 'contract-is-pure',
      severity: 'error',
      comment:
        'talkdesk/contract/ holds the Talkdesk rules as data and functions: only common/ below it.',
      from: { path: '^src/talkdesk/contract/' },
      to: { path: '^src/', pathNot: ['^src/talkdesk/contract/', '^src/common/'] },
    },
    {
      name: 'common-is-a-leaf',
      severity: 'error',
      comment: 'common/ holds small helpers with no knowledge of the rest of src/.',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'infrastructure-takes-only-the-contract-from-talkdesk',
      severity: 'error',
      comment:
        'The modules beside the features (config, metrics, tracing, security, store, idempotency, ' +
        'lifecycle, interactions-cache) use the Talkdesk contract, never the webhook plumbing of talkdesk/.',
      from: {
        path: '^src/(config|metrics|tracing|security|store|idempotency|lifecycle|interactions-cache)/',
      },
      to: { path: '^src/talkdesk/', pathNot: '^src/talkdesk/contract/' },
    },
    {
      name: 'features-never-import-a-connector',
      severity: 'error',
      comment: 'A feature module reaches the external system only through the ports.',
      from: { path: `^src/${FEATURES}/` },
      to: { path: '^src/connectors/', pathNot: '^src/connectors/ports/' },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      comment: 'Only spec files may use the test support.',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
