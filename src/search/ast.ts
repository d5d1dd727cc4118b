/**
 * The parsed form of a search query (docs: query language). Backends compile this tree to their
 * own terms (src/storage/sqlite/compile-query.ts for SQLite); the parser in parse-query.ts is the
 * only producer. Field names in the tree are always canonical schema names (aliases resolved),
 * values are already typed and checked, so a backend never re-validates user text.
 *
 * @example
 * // parseQuery('ip:10.0.0.0/8 status:>=400 "sql syntax"') gives
 * // { type: 'and', children: [
 * //   { type: 'cidr', field: 'client.address', version: 4, bytes: [10,0,0,0], prefix: 8, ... },
 * //   { type: 'compare', field: 'http.response.status_code', op: '>=', value: 400, ... },
 * //   { type: 'text', text: 'sql syntax', phrase: true, prefix: false, ... } ] }
 */

/** Offset (0-based, in UTF-16 code units) of the token a node came from, for error messages. */
interface Located {
  readonly position: number;
}

/** `field:value` with a plain value: exact equality (numbers compare numerically). */
export interface MatchNode extends Located {
  readonly type: 'match';
  readonly field: string;
  readonly value: string | number;
}

/** `field:pat*tern` — `*` any run of characters, `?` exactly one; everything else literal. */
export interface WildcardNode extends Located {
  readonly type: 'wildcard';
  readonly field: string;
  /** The pattern split at wildcards: literal text and `*` / `?` tokens, in order. */
  readonly parts: ReadonlyArray<string | { readonly wildcard: '*' | '?' }>;
}

/** `field:*` — the field is present (not null). */
export interface ExistsNode extends Located {
  readonly type: 'exists';
  readonly field: string;
}

/** `ip:10.0.0.0/8`, `ip:2001:db8::/32` — address inside a network. */
export interface CidrNode extends Located {
  readonly type: 'cidr';
  readonly field: string;
  readonly version: 4 | 6;
  /** Network address bytes (4 or 16), host bits already zeroed. */
  readonly bytes: readonly number[];
  readonly prefix: number;
  /** The network as the user wrote it, normalized (`10.0.0.0/8`). */
  readonly text: string;
}

export type CompareOp = '>' | '>=' | '<' | '<=';

/** `status:>=400`, `after:-1h` (time fields carry epoch milliseconds). */
export interface CompareNode extends Located {
  readonly type: 'compare';
  readonly field: string;
  readonly op: CompareOp;
  readonly value: number;
}

/** `status:400..499` — inclusive at both ends. */
export interface RangeNode extends Located {
  readonly type: 'range';
  readonly field: string;
  readonly from: number;
  readonly to: number;
}

/** `severity:>=WARN` resolves to a set: the field equals one of the values. */
export interface InNode extends Located {
  readonly type: 'in';
  readonly field: string;
  readonly values: readonly string[];
}

/** Bare words and "quoted phrases": full-text search over `message` and `log.original`. */
export interface TextNode extends Located {
  readonly type: 'text';
  readonly text: string;
  /** True for a "quoted phrase": the words must appear in this order. */
  readonly phrase: boolean;
  /** True for `admin*`: the last word is a prefix. */
  readonly prefix: boolean;
}

export interface AndNode {
  readonly type: 'and';
  readonly children: readonly QueryNode[];
}

export interface OrNode {
  readonly type: 'or';
  readonly children: readonly QueryNode[];
}

export interface NotNode {
  readonly type: 'not';
  readonly child: QueryNode;
}

export type QueryNode =
  | MatchNode
  | WildcardNode
  | ExistsNode
  | CidrNode
  | CompareNode
  | RangeNode
  | InNode
  | TextNode
  | AndNode
  | OrNode
  | NotNode;

/** The name under which the event time is filtered (`after:`, `before:`, `time:`). */
export const TIME_FIELD = 'time';
