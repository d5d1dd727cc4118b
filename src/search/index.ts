/**
 * The query language: text to a typed tree, and the field table for autocompletion.
 *
 * @example
 * import { parseQuery, QUERY_FIELDS } from './search/index.js';
 * const q = parseQuery('user:alice status:>=400 after:-1h');
 */
export type * from './ast.js';
export { TIME_FIELD } from './ast.js';
export { QUERY_FIELDS, resolveField, fieldKind } from './fields.js';
export type { QueryField, QueryFieldKind } from './fields.js';
export { parseQuery, QUERY_LIMITS } from './parse-query.js';
export type { ParseOptions } from './parse-query.js';
export { parseIp, parseCidr, inCidr, formatIp } from '../core/ip.js';
export type { IpAddress, IpNetwork } from '../core/ip.js';
