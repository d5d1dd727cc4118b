/**
 * The built-in redaction patterns (secrets that must never be stored, OWASP Logging Cheat Sheet
 * "Data to exclude"). Each replaces only the secret and leaves a marker naming what was removed.
 */

/** A redaction pattern. `replace` receives the match and returns the replacement, or null to keep it. */
export interface RedactionPattern {
  readonly name: string;
  /** Must have the `g` flag. */
  readonly regex: RegExp;
  readonly replace?: (match: string, ...groups: string[]) => string | null;
}

/** Luhn (ISO/IEC 7812-1 Annex B) check over the digits of `s`. */
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

export const BUILTIN_PATTERNS: readonly RedactionPattern[] = [
  {
    // PEM private key blocks (RFC 7468), also when the END line was cut off.
    name: 'private_key',
    regex: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: () => mark('private_key'),
  },
  {
    // JWS/JWT compact serialization (RFC 7515 §7.1): header and payload are base64url JSON objects.
    name: 'jwt',
    regex: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: () => mark('jwt'),
  },
  {
    // HTTP Authorization credentials (RFC 9110 §11.4): keep the scheme, drop the credentials.
    name: 'bearer',
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
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g,
    replace: () => mark('aws_key'),
  },
  {
    // key=value / key: value secrets in query strings, form bodies, JSON-ish text and messages.
    name: 'secret_param',
    regex:
      /\b((?:[a-z0-9_-]*?(?:password|passwd|passphrase|pwd|secret|api[_-]?key|token|session[_-]?id)))("?\s*[:=]\s*"?)([^&\s"',;]+)/gi,
    replace: (_m, key, sep, value) =>
      value!.startsWith('[REDACTED:') ? null : `${key}${sep}${mark('secret')}`,
  },
  {
    // Payment card numbers (PAN): 13–19 digits, optional space/dash groups, a major-network first
    // digit (2–6) and a valid Luhn check, so order numbers and timestamps are left alone.
    name: 'card',
    regex: /\b[2-6](?:[ -]?\d){12,18}\b/g,
    replace: (m) => {
      // The match may have swallowed a following group ("4111 1111 1111 1111 12"): try the
      // longest prefix of whole groups that is a valid PAN.
      const groups = m.split(/(?=[ -])/);
      for (let n = groups.length; n > 0; n--) {
        const head = groups.slice(0, n).join('');
        const digits = head.replace(/[ -]/g, '');
        if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
          return mark('card') + m.slice(head.length);
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
