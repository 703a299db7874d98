/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook */
// Runs the TypeScript sources without a build: `node -r ./scripts/register-ts.js src/bin/connector-check.ts`.
// The same swc transform as jest's, file by file as Node requires them (well under a second for a
// tool); Node itself loads the ES-module-only dependencies. `npm run connector:check` runs this way.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

// Dynamic imports name the compiled file ('./x.js', what Node loads from dist/); here it is './x.ts'.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  try {
    return resolveFilename.call(this, request, ...rest);
  } catch (error) {
    if (!/^\.{1,2}\/.*\.js$/.test(request)) throw error;
    return resolveFilename.call(this, `${request.slice(0, -3)}.ts`, ...rest);
  }
};

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
