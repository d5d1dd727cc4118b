/**
 * The built-in redaction patterns (secrets that must never be stored, OWASP Logging Cheat Sheet
 * "Data to exclude"). Each replaces only the secret and leaves a marker naming what was removed.
 */

/**
 * A redaction pattern. `replace` receives the match and returns the replacement, or null to keep it.
 *
 * @example
 * const p: RedactionPattern = { name: 'ticket', regex: /TCK-\d+/g };
 */
export interface RedactionPattern {
  readonly name: string;
  /** What it finds, for docs/schema.md. */
  readonly description?: string;
  /** Must have the `g` flag. */
  readonly regex: RegExp;
  readonly replace?: (match: string, ...groups: string[]) => string | null;
}

/**
 * Luhn (ISO/IEC 7812-1 Annex B) check over a string of digits.
 *
 * @example
 * luhnValid('4111111111111111'); // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const mark = (name: string): string => `[REDACTED:${name}]`;
const B64URL = /^[A-Za-z0-9_-]+$/;

export const BUILTIN_PATTERNS: readonly RedactionPattern[] = [
  {
    // PEM private key blocks (RFC 7468), also when the END line was cut off.
    name: 'private_key',
    description: 'PEM private key blocks (RFC 7468), also when the END line is missing.',
    regex: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: () => mark('private_key'),
  },
  {
    // JWS/JWT compact serialization (RFC 7515 §7.1): header and payload are base64url JSON objects.
    // Matched as whole tokens so the scan stays linear on adversarial input ("eyJ-eyJ-eyJ..."
    // with unbounded segments backtracks quadratically): runs of token characters are disjoint.
    name: 'jwt',
    description:
      'JSON Web Tokens (three base64url segments, header and payload starting with `eyJ`).',
    regex: /[A-Za-z0-9_.-]{20,}/g,
    replace: (m) => {
      // A JWT is the last three dot-separated segments of the token: header and payload start
      // with "eyJ" (base64url of '{"'). Plain string checks: linear in the token length.
      const segs = m.split('.');
      const n = segs.length;
      if (n < 3) return null;
      const [h, p, sig] = [segs[n - 3]!, segs[n - 2]!, segs[n - 1]!];
      if (h.length < 7 || p.length < 7 || !h.startsWith('eyJ') || !p.startsWith('eyJ')) return null;
      if (!B64URL.test(h) || !B64URL.test(p) || !(sig === '' || B64URL.test(sig))) return null;
      return (n > 3 ? segs.slice(0, n - 3).join('.') + '.' : '') + mark('jwt');
    },
  },
  {
    // HTTP Authorization credentials (RFC 9110 §11.4): keep the scheme, drop the credentials.
    name: 'bearer',
    description:
      '`Bearer` credentials (with a digit or 16+ characters) and `Basic` credentials that decode to `user:pass`; the scheme word is kept.',
    // Words ("Bearer authentication") are not credentials: Basic must decode to user:pass, and a
    // bearer token must contain a digit or be at least 16 characters long.
    regex: /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/-]{8,}=*)/gi,
    replace: (_m, scheme, cred) => {
      if (scheme!.toLowerCase() === 'basic') {
        return Buffer.from(cred!, 'base64').toString('latin1').includes(':')
          ? `${scheme} ${mark('basic')}`
          : null;
      }
      return /\d/.test(cred!) || cred!.length >= 16 ? `${scheme} ${mark('bearer')}` : null;
    },
  },
  {
    // AWS access key ids (documented prefixes).
    name: 'aws_key',
    description: 'AWS access key ids (AKIA, ASIA, ... + 16 characters).',
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g,
    replace: () => mark('aws_key'),
  },
  {
    // key=value / key: value secrets in query strings, form bodies, JSON-ish text and messages.
    // Only the keyword is matched (a prefix like "db_" stays as it is): a key-prefix pattern made
    // the scan quadratic on "a-a-a-...-a password".
    name: 'secret_param',
    description:
      '`password=`, `passwd`, `pwd`, `secret`, `api_key`, `token`, `session_id` values after `=` or `:` in queries, bodies and messages; the key is kept.',
    regex:
      /(password|passwd|passphrase|pwd|secret|api[_-]?key|token|session[_-]?id)("?\s*[:=]\s*"?)([^&\s"',;]+)/gi,
    // `PWD=/home/alice` is sudo's and the shell's working directory, not a password: an
    // upper-case PWD whose value is an absolute path is left alone.
    replace: (_m, key, sep, value) =>
      value!.startsWith('[REDACTED:') || (key === 'PWD' && value!.startsWith('/'))
        ? null
        : `${key}${sep}${mark('secret')}`,
  },
  {
    // Payment card numbers (PAN): 13–19 digits, optional space/dash groups, a major-network first
    // digit (2–6) and a valid Luhn check, so order numbers and timestamps are left alone.
    name: 'card',
    description:
      'Payment card numbers: 13-19 digits (spaces or dashes allowed), first digit 2-6, valid Luhn check digit.',
    regex: /\b[2-6](?:[ -]?\d){12,18}\b/g,
    replace: (m) => {
      // The match may have swallowed a following group ("4111 1111 1111 1111 12"): try the
      // longest prefix of whole groups that is a valid PAN.
      const digits = m.replace(/[ -]/g, '');
      // cut[k] = [characters of m, digits] at the end of the k-th group.
      const cuts: Array<[number, number]> = [];
      let d = 0;
      for (let i = 0; i < m.length; i++) {
        if (m[i] === ' ' || m[i] === '-') cuts.push([i, d]);
        else d++;
      }
      cuts.push([m.length, d]);
      for (let k = cuts.length - 1; k >= 0; k--) {
        const [chars, count] = cuts[k]!;
        if (count >= 13 && count <= 19 && luhnValid(digits.slice(0, count))) {
          return mark('card') + m.slice(chars);
        }
      }
      return null;
    },
  },
];

/**
 * A cheap prefilter: a string that does not match it cannot match any built-in pattern, so the
 * seven patterns only run on the few strings that might hold a secret.
 */
export const BUILTIN_PREFILTER =
  /PRIVATE KEY|eyJ|bearer|basic|token|A[GIKNRS][A-Z]{2}[A-Z0-9]{16}|pass|pwd|secret|api[_-]?key|session[_-]?id|[2-6][ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d/i;
