/**
 * The query language parser. Grammar (precedence NOT > AND > OR, AND implicit between terms):
 *
 *   query   := or?
 *   or      := and ('OR' and)*
 *   and     := unary ('AND'? unary)*
 *   unary   := ('NOT' | '-') unary | '(' or ')' | term
 *   term    := field ':' value | word | '"phrase"'
 *
 * An empty query matches everything (an AND with no children).
 *
 * @example
 * parseQuery('ip:10.0.0.0/8 (status:>=500 OR name:authz_fail) -path:/health* after:-1h');
 */
import type { QueryNode } from './ast.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { queryError } from './query-error.js';
import { termNode } from './term.js';

/** Bounds that keep a hostile query from exhausting the stack or the database. */
export const QUERY_LIMITS = { maxLength: 4096, maxTerms: 200, maxDepth: 32 } as const;

export interface ParseOptions {
  /** Reference time for relative times (`after:-1h`); defaults to the wall clock. */
  readonly nowMs?: number;
}

class Parser {
  readonly #src: string;
  readonly #tokens: Token[];
  readonly #nowMs: number;
  #i = 0;
  #depth = 0;

  constructor(src: string, tokens: Token[], nowMs: number) {
    this.#src = src;
    this.#tokens = tokens;
    this.#nowMs = nowMs;
  }

  parse(): QueryNode {
    if (this.#tokens.length === 0) return { type: 'and', children: [] };
    const node = this.#or();
    const extra = this.#tokens[this.#i];
    if (extra !== undefined) {
      throw queryError(this.#src, extra.pos, extra.raw, `unexpected "${extra.raw}"`);
    }
    return node;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#i];
  }

  #endError(after: Token, what: string): never {
    throw queryError(
      this.#src,
      after.pos,
      after.raw,
      `query ends after "${after.raw}": expected ${what}`,
    );
  }

  #or(): QueryNode {
    const children = [this.#and()];
    for (let t = this.#peek(); t?.kind === 'or'; t = this.#peek()) {
      this.#i++;
      if (this.#peek() === undefined) this.#endError(t, 'a term after OR');
      children.push(this.#and());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'or', children };
  }

  #and(): QueryNode {
    const children = [this.#unary()];
    for (
      let t = this.#peek();
      t !== undefined && t.kind !== 'or' && t.kind !== 'rparen';
      t = this.#peek()
    ) {
      if (t.kind === 'and') {
        this.#i++;
        if (this.#peek() === undefined) this.#endError(t, 'a term after AND');
      }
      children.push(this.#unary());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'and', children };
  }

  #unary(): QueryNode {
    const t = this.#peek();
    if (t === undefined) {
      const prev = this.#tokens[this.#i - 1] as Token;
      this.#endError(prev, 'a term');
    }
    if (++this.#depth > QUERY_LIMITS.maxDepth) {
      throw queryError(
        this.#src,
        t.pos,
        t.raw,
        `query nests deeper than ${QUERY_LIMITS.maxDepth} levels`,
      );
    }
    try {
      switch (t.kind) {
        case 'not': {
          this.#i++;
          if (this.#peek() === undefined) this.#endError(t, 'a term after NOT');
          return { type: 'not', child: this.#unary() };
        }
        case 'lparen': {
          this.#i++;
          if (this.#peek()?.kind === 'rparen') {
            throw queryError(this.#src, t.pos, '()', 'empty parentheses');
          }
          if (this.#peek() === undefined) this.#endError(t, 'a term and ")"');
          const inner = this.#or();
          const close = this.#peek();
          if (close?.kind !== 'rparen') {
            throw queryError(this.#src, t.pos, '(', 'this "(" is never closed: add ")"');
          }
          this.#i++;
          return inner;
        }
        case 'term': {
          this.#i++;
          const node = termNode(this.#src, this.#nowMs, t);
          return t.negated ? { type: 'not', child: node } : node;
        }
        default:
          throw queryError(this.#src, t.pos, t.raw, `unexpected "${t.raw}": expected a term`);
      }
    } finally {
      this.#depth--;
    }
  }
}

/**
 * Parse query text into a tree. Throws `LogwardenError('LW_QUERY_INVALID')` whose message points
 * at the offending token and whose `details` are `{ position, token }`.
 */
export function parseQuery(text: string, options: ParseOptions = {}): QueryNode {
  if (typeof text !== 'string') {
    throw queryError(
      '',
      0,
      '',
      `a query must be text, got ${text === null ? 'null' : typeof text}`,
    );
  }
  if (text.length > QUERY_LIMITS.maxLength) {
    throw queryError(
      text,
      QUERY_LIMITS.maxLength,
      text.slice(QUERY_LIMITS.maxLength, QUERY_LIMITS.maxLength + 10),
      `query is longer than ${QUERY_LIMITS.maxLength} characters`,
    );
  }
  const tokens = tokenize(text);
  const terms = tokens.filter((t) => t.kind === 'term');
  const over = terms[QUERY_LIMITS.maxTerms];
  if (over !== undefined) {
    throw queryError(
      text,
      over.pos,
      over.raw,
      `query has more than ${QUERY_LIMITS.maxTerms} terms`,
    );
  }
  return new Parser(text, tokens, options.nowMs ?? Date.now()).parse();
}
