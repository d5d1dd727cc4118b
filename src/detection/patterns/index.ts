/**
 * Attack patterns in HTTP requests (issue 5): SQL injection, XSS, path traversal / LFI, RFI,
 * command injection, Log4Shell, SSRF, scanner user agents, PHP and other code injection.
 *
 * @example
 * import { inspectRequest } from './detection/patterns/index.js';
 * inspectRequest({ path: '/a', query: 'f=../../etc/passwd' }); // [{ class: 'path_traversal', ... }]
 */
export { inspectEvent, inspectRequest } from './inspect.js';
export { PATTERN_RULES, type PatternRule } from './rules.js';
export { SCANNER_AGENTS } from './scanner.js';
export { decodeValue } from './decode.js';
export { requestFields } from './fields.js';
export {
  LIMITS,
  type AttackClass,
  type Finding,
  type RequestInput,
  type FieldValue,
  type FieldKind,
} from './types.js';
