/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook */
// Runs the TypeScript sources in a child process without a build: `node -r ./test/support/register-ts.js src/main.ts`.
// The same swc transform as jest's; Node itself loads the ES-module-only dependencies.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
