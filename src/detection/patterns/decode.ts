/**
 * Decoding before detection. Attackers encode payloads so that a literal match misses them; we
 * undo the encodings a web stack would undo (and a few it might): percent-encoding repeated up to
 * {@link LIMITS.maxDecodeRounds} times (double/triple encoding), `%uXXXX` (IIS), overlong UTF-8
 * (`%c0%ae` = `.`, CVE-2000-0884 style), `+` as space in form data, HTML character references,
 * backslash escapes (`\u003c`, `\x3c`), Unicode compatibility forms (fullwidth `．`, circled
 * letters) and case. Every loop here is a single left-to-right pass: linear in the input.
 *
 * @example
 * decodeValue('%252e%252e%252fetc', true) // '../etc'
 */
import { LIMITS } from './types.js';

const HEX = /^[0-9a-fA-F]$/;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Lenient UTF-8: decodes overlong forms to their code point (a strict decoder would reject them,
 * but vulnerable servers did not) and maps invalid bytes to U+FFFD-free Latin-1 so nothing is lost.
 */
function decodeBytes(bytes: number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need = 0;
    let cp = 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc0 && b < 0xe0) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b < 0xf0) {
      need = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b < 0xf8) {
      need = 3;
      cp = b & 0x07;
    } else if (b >= 0xf8 && b < 0xfc) {
      need = 4;
      cp = b & 0x03;
    } else if (b >= 0xfc && b < 0xfe) {
      need = 5;
      cp = b & 0x01;
    } else {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let ok = i + need < bytes.length;
    // IIS-style leniency for the overlong two-byte forms of ASCII (lead 0xc0/0xc1): the second
    // byte's top bits are ignored, so %c0%2e and %c0%ae both read as '.'
    const loose = need === 1 && b <= 0xc1;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (!loose && (c & 0xc0) !== 0x80)) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** One round of percent-decoding (`%XX` and `%uXXXX`); malformed escapes stay as they are. */
export function percentDecode(s: string, plusAsSpace: boolean): string {
  if (s.indexOf('%') < 0) return plusAsSpace && s.indexOf('+') >= 0 ? s.replace(/\+/g, ' ') : s;
  let out = '';
  let bytes: number[] = [];
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      const h1 = hexVal(s.charCodeAt(i + 1));
      const h2 = hexVal(s.charCodeAt(i + 2));
      if (h1 >= 0 && h2 >= 0) {
        bytes.push(h1 * 16 + h2);
        i += 2;
        continue;
      }
      if ((s[i + 1] === 'u' || s[i + 1] === 'U') && i + 5 < n + 0) {
        const u = s.slice(i + 2, i + 6);
        if (u.length === 4 && [...u].every((ch) => HEX.test(ch))) {
          if (bytes.length) {
            out += decodeBytes(bytes);
            bytes = [];
          }
          out += String.fromCharCode(parseInt(u, 16));
          i += 5;
          continue;
        }
      }
    }
    if (bytes.length) {
      out += decodeBytes(bytes);
      bytes = [];
    }
    out += plusAsSpace && c === 43 ? ' ' : s[i];
  }
  if (bytes.length) out += decodeBytes(bytes);
  return out;
}

const NAMED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  sol: '/',
  bsol: '\\',
  colon: ':',
  semi: ';',
  comma: ',',
  period: '.',
  lpar: '(',
  rpar: ')',
  lbrace: '{',
  rbrace: '}',
  lcub: '{',
  rcub: '}',
  lbrack: '[',
  rbrack: ']',
  lsqb: '[',
  rsqb: ']',
  dollar: '$',
  num: '#',
  excl: '!',
  equals: '=',
  plus: '+',
  ast: '*',
  percnt: '%',
  grave: '`',
  tab: '\t',
  newline: '\n',
  nbsp: ' ',
  vert: '|',
  verbar: '|',
  quest: '?',
  commat: '@',
  hyphen: '-',
  dash: '-',
  lowbar: '_',
};

/** HTML character references: `&lt;`, `&#60;`, `&#x3c;`, also without the `;` as browsers accept. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  // Bounded: a name is at most 10 letters, a number at most 8 digits; no nested quantifiers.
  return s.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,8}|[a-zA-Z]{2,10});?/g, (m, body: string) => {
    if (body[0] === '#') {
      const cp =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1));
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const v = NAMED[body.toLowerCase()];
    return v ?? m;
  });
}

/** Backslash escapes of JSON / JavaScript / C: `\u003c`, `\u{3c}`, `\x3c`. Others stay. */
export function decodeBackslash(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(
    /\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/g,
    (m, a?: string, b?: string, c?: string) => {
      const cp = parseInt((a ?? b ?? c) as string, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    },
  );
}

/**
 * UTF-7 (RFC 2152) shifted sequences that encode ASCII, e.g. `+ADw-script+AD4-` = `<script>`: old
 * browsers honoured a UTF-7 charset. Only sequences that decode to printable ASCII are replaced.
 */
export function decodeUtf7(s: string): string {
  return s.replace(/\+([A-Za-z0-9+/]{3,32})-?/g, (m, b64: string) => {
    const bits = Buffer.from(b64.slice(0, b64.length - (b64.length % 8 === 0 ? 0 : 0)), 'base64');
    let out = '';
    for (let i = 0; i + 1 < bits.length; i += 2) {
      const c = ((bits[i] as number) << 8) | (bits[i + 1] as number);
      if (c < 0x20 || c > 0x7e) return m;
      out += String.fromCharCode(c);
    }
    return out.length > 0 ? out : m;
  });
}

// Look-alike characters that NFKC does not fold but path parsers have treated as separators.
const LOOKALIKE: Readonly<Record<string, string>> = {
  '\u2215': '/',
  '\u2044': '/',
  '\u29f8': '/',
  '\u2216': '\\',
  '\u29f9': '\\',
  '\u3002': '.',
  '\u2024': '.',
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00a0': ' ',
};

const NON_ASCII = /[^\x00-\x7f]/;

function foldUnicode(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  let t = s.normalize('NFKC');
  t = t.replace(
    /[\u2215\u2044\u29f8\u2216\u29f9\u3002\u2024\u2018\u2019\u02bc\u201c\u201d\u00a0]/g,
    (c) => LOOKALIKE[c] ?? c,
  );
  return t;
}

/** True when `s` has none of the characters a decoding round reacts to: `%` `&` `\\` `+`, non-ASCII. */
export function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 || c === 38 || c === 92 || c === 43 || c > 127) return false;
  }
  return true;
}

/**
 * Fully decode one raw value: up to {@link LIMITS.maxDecodeRounds} rounds of percent, entity and
 * backslash decoding until nothing changes, then Unicode folding and lower case.
 * `plusAsSpace` is for query strings and form bodies (application/x-www-form-urlencoded).
 */
export function decodeValue(raw: string, plusAsSpace: boolean): string {
  let s = raw.length > LIMITS.maxValueChars ? raw.slice(0, LIMITS.maxValueChars) : raw;
  // Nothing to decode (no `%`, `&`, `\`, `+`, no non-ASCII): every round below would return its
  // input unchanged, so only the case folding remains (bench/patterns.mjs: most values are plain).
  if (plainAscii(s)) return s.toLowerCase();
  for (let round = 0; round < LIMITS.maxDecodeRounds; round++) {
    const before = s;
    s = percentDecode(s, plusAsSpace && round === 0);
    s = decodeEntities(s);
    s = decodeBackslash(s);
    if (s.indexOf('+A') >= 0 || s.indexOf('+a') >= 0) s = decodeUtf7(s);
    if (s === before) break;
  }
  s = foldUnicode(s);
  if (s.length > LIMITS.maxValueChars) s = s.slice(0, LIMITS.maxValueChars);
  return s.toLowerCase();
}

const B64 = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/**
 * A parameter value that is obviously base64 (only the alphabet, at least 16 characters) and
 * decodes to printable text: the decoded text, else undefined.
 */
export function maybeBase64(raw: string): string | undefined {
  if (raw.length > LIMITS.maxValueChars || !B64.test(raw)) return undefined;
  // Pure hex or pure digits/letters are ids and hashes, not base64 text.
  if (/^[0-9a-fA-F]+$/.test(raw) || /^[a-zA-Z]+$/.test(raw)) return undefined;
  const text = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) printable++;
  }
  return text.length >= 8 && printable / text.length >= 0.95 ? text : undefined;
}
