/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook */
// The TypeScript require hook of the tools (scripts/register-ts.js), for the specs that start a child process.
require('../../scripts/register-ts.js');
