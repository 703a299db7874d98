/**
 * A setting or a file it names is wrong: the bridge refuses to start and prints only the message
 * (no stack). Both the configuration and the connectors' own settings (a REST manifest) throw it,
 * so it lives below both.
 */
export class ConfigError extends Error {}
