/** Config: one schema -> types, validation, JSON Schema and docs/config.md. */
export { loadConfig, parseConfig, type LoadedConfig, type LoadConfigOptions } from './load.js';
export { configSchema, type Config, type ConfigInput } from './schema.js';
export { configJsonSchema, renderConfigDocs, envNameFor, schemaAt } from './json-schema.js';
export { CONFIG_SECTIONS, type ConfigSectionName } from './sections/index.js';
export { defineSection, type ConfigSection, type ConfigIssue } from './sections/define.js';
export { retentionPolicy } from './sections/retention.js';
export { parseListen, isLoopbackHost, type ListenAddress } from './listen.js';
export type { Env } from './env.js';
