/**
 * Types shared by the request attack-pattern detectors (issue 5, "Attack patterns in requests").
 *
 * @example
 * const f: Finding = { class: 'sqli', rule: 'sqli.union-select', field: 'url.query:id',
 *   excerpt: "1 union select null--", score: 1 };
 */

/** The attack classes a finding can carry. */
export type AttackClass =
  | 'sqli'
  | 'xss'
  | 'path_traversal'
  | 'rfi'
  | 'command_injection'
  | 'log4shell'
  | 'ssrf'
  | 'scanner'
  | 'php_injection'
  | 'code_injection';

/** One detector hit in one field of one request. */
export interface Finding {
  readonly class: AttackClass;
  /** Rule id from {@link PATTERN_RULES}, e.g. `sqli.union-select`. */
  readonly rule: string;
  /** Where it was found: `url.path`, `url.query:<name>`, `url.query.name`, `http.request.headers.<name>`, `http.request.body:<name>`. */
  readonly field: string;
  /** Up to 96 characters of the decoded value around the match, control characters replaced by `·`. */
  readonly excerpt: string;
  /** Confidence in (0, 1]; 1 = unambiguous attack syntax. */
  readonly score: number;
}

/** A request as the detectors see it. Every part is optional. */
export interface RequestInput {
  method?: string | undefined;
  /** Path without the query (a `?` in it is split off and treated as the query). */
  path?: string | undefined;
  /** Raw query string without the leading `?`. */
  query?: string | undefined;
  /** Header name -> value (names are case-insensitive). Arrays are joined with `, `. */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** Request body (text); only the first {@link LIMITS.maxBodyChars} characters are read. */
  body?: string | undefined;
}

/** Where a value came from: decides which detectors run and how strictly. */
/** `structural`: a header with protocol-defined syntax (Host, Accept...): only Log4Shell reads it. */
export type FieldKind =
  'path' | 'query' | 'header' | 'structural' | 'ua' | 'cookie' | 'body' | 'name';

/** One decoded value with its field label. */
export interface FieldValue {
  readonly field: string;
  readonly kind: FieldKind;
  /** Decoded, case-folded value (see decode.ts). */
  readonly value: string;
}

/** A detector: pure, synchronous, linear in the value length. */
export type Detector = (f: FieldValue, out: Finding[]) => void;

/**
 * Input caps (documented in docs/detection-report.md). Anything longer is truncated, never
 * rejected: detection must not be a denial-of-service vector and must not stop at a long header.
 */
export const LIMITS = {
  /** Characters of one field value examined (after the first decode). */
  maxValueChars: 8192,
  /** Characters of the body examined. */
  maxBodyChars: 16384,
  /** Fields (parameters, headers, cookies, JSON strings) examined per request. */
  maxFields: 256,
  /** Rounds of URL / entity / escape decoding (double and triple encoding). */
  maxDecodeRounds: 4,
  /** Nested `${...}` lookups resolved by the Log4Shell detector. */
  maxLookupRewrites: 64,
  /** Findings returned per request. */
  maxFindings: 32,
} as const;
