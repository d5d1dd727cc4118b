/**
 * Query text to tokens. A term is a bare word, a "quoted phrase", or `field:value` where value is
 * a bare word or a quoted string; a leading `-` negates a term. `AND`, `OR`, `NOT` (upper case)
 * are operators; parentheses group. A backslash in a bare word makes the next character literal
 * (`\*` is a star, `\:` a colon, `\(` a parenthesis).
 */
import { queryError } from './query-error.js';

/** One character of a bare word and whether it was escaped. */
export interface WordChar {
  readonly ch: string;
  readonly escaped: boolean;
}

export type Token =
  | {
      readonly kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not';
      readonly pos: number;
      readonly raw: string;
    }
  | {
      readonly kind: 'term';
      readonly pos: number;
      readonly raw: string;
      readonly negated: boolean;
      /** Field name as typed, when the term is `field:value`. */
      readonly field?: string;
      /** Offset of the value (after `field:`), for errors about the value. */
      readonly valuePos: number;
      /** Quoted text (escapes resolved), or the bare word's characters. */
      readonly value:
        | { readonly quoted: true; readonly text: string }
        | { readonly quoted: false; readonly chars: readonly WordChar[] };
    };

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Read a quoted string starting at `start` (the opening quote); returns text and end offset. */
function readQuoted(src: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { text, end: i + 1 };
    text += c;
    i++;
  }
  throw queryError(src, start, '"', 'unterminated quote: add the closing "');
}

/** Read a bare word from `start`; stops at whitespace, parentheses or a quote. */
function readWord(src: string, start: number): { chars: WordChar[]; end: number } {
  const chars: WordChar[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      if (i + 1 >= src.length) {
        throw queryError(src, i, '\\', 'a backslash at the end escapes nothing');
      }
      chars.push({ ch: src[i + 1] as string, escaped: true });
      i += 2;
      continue;
    }
    if (isSpace(c) || c === '(' || c === ')' || c === '"') break;
    chars.push({ ch: c, escaped: false });
    i++;
  }
  return { chars, end: i };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', pos: i, raw: c });
      i++;
      continue;
    }
    const pos = i;
    let negated = false;
    if (c === '-' && i + 1 < src.length && !isSpace(src[i + 1] as string) && src[i + 1] !== ')') {
      negated = true;
      i++;
      if (src[i] === '(') {
        // `-(a OR b)` is `NOT (a OR b)`.
        tokens.push({ kind: 'not', pos, raw: '-' });
        continue;
      }
    }
    if (src[i] === '"') {
      const q = readQuoted(src, i);
      tokens.push({
        kind: 'term',
        pos,
        raw: src.slice(pos, q.end),
        negated,
        valuePos: i,
        value: { quoted: true, text: q.text },
      });
      i = q.end;
      continue;
    }
    const w = readWord(src, i);
    const word = w.chars.map((x) => x.ch).join('');
    if (!negated && w.chars.every((x) => !x.escaped)) {
      if (word === 'AND' || word === 'OR' || word === 'NOT') {
        tokens.push({
          kind: word === 'AND' ? 'and' : word === 'OR' ? 'or' : 'not',
          pos,
          raw: word,
        });
        i = w.end;
        continue;
      }
    }
    const colon = w.chars.findIndex((x) => x.ch === ':' && !x.escaped);
    const fieldText = colon > 0 ? word.slice(0, colon) : '';
    if (
      colon > 0 &&
      FIELD_NAME.test(fieldText) &&
      w.chars.slice(0, colon).every((x) => !x.escaped)
    ) {
      const valuePos = i + fieldText.length + 1;
      if (w.chars.length === colon + 1) {
        // `field:"quoted value"` or `field:` followed by nothing usable.
        if (src[w.end] === '"') {
          const q = readQuoted(src, w.end);
          tokens.push({
            kind: 'term',
            pos,
            raw: src.slice(pos, q.end),
            negated,
            field: fieldText,
            valuePos,
            value: { quoted: true, text: q.text },
          });
          i = q.end;
          continue;
        }
        throw queryError(src, pos, src.slice(pos, w.end), `missing value after "${fieldText}:"`);
      }
      tokens.push({
        kind: 'term',
        pos,
        raw: src.slice(pos, w.end),
        negated,
        field: fieldText,
        valuePos,
        value: { quoted: false, chars: w.chars.slice(colon + 1) },
      });
      i = w.end;
      continue;
    }
    tokens.push({
      kind: 'term',
      pos,
      raw: src.slice(pos, w.end),
      negated,
      valuePos: i,
      value: { quoted: false, chars: w.chars },
    });
    i = w.end;
  }
  return tokens;
}
