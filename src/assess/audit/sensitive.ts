/**
 * Data that must never be logged (OWASP Logging Cheat Sheet "data to exclude"; ASVS V7.1.1/7.1.2,
 * V16.2.5): passwords, tokens and keys (the core redactor's patterns), card numbers (Luhn
 * checked, in the core), raw session ids, e-mail addresses and US social security numbers.
 * Reports show only the MASKED line: the secret itself is never printed or stored.
 */
import { createRedactor } from '../../core/redact.js';
import { neutralize } from '../../core/neutralize.js';

export type SensitiveKind = 'secret' | 'card' | 'session' | 'email' | 'national_id';

export const SENSITIVE_LABELS: Readonly<Record<SensitiveKind, string>> = {
  secret: 'password, token or key',
  card: 'payment card number',
  session: 'raw session id',
  email: 'e-mail address',
  national_id: 'national id (US SSN)',
};

export interface SensitiveHit {
  readonly kinds: readonly SensitiveKind[];
  /** The line with every sensitive value replaced by a marker, neutralized and shortened. */
  readonly masked: string;
}

const redactor = createRedactor();
// Session cookies and parameters by their usual names; the value must look like an id.
const SESSION =
  /\b(session[_-]?id|sessid|sid|phpsessid|jsessionid|connect\.sid|asp\.net_sessionid)(\s*[=:]\s*"?)([A-Za-z0-9%._~+/-]{12,})/gi;
const EMAIL =
  /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b/g;
// SSN: not 000/666/9xx area, not 00 group, not 0000 serial (SSA rules).
const SSN = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g;
const SUDO_PWD = /\bPWD=\//g;
const PREFILTER = /@|\d{3}-\d{2}-\d{4}|sess|sid/i;

const EXCERPT_CHARS = 160;

function excerpt(masked: string): string {
  const safe = neutralize(masked).value;
  if (safe.length <= EXCERPT_CHARS) return safe;
  const at = Math.max(0, safe.indexOf('[REDACTED:') - 40);
  const cut = safe.slice(at, at + EXCERPT_CHARS);
  return (at > 0 ? '…' : '') + cut + (at + EXCERPT_CHARS < safe.length ? '…' : '');
}

/**
 * Find sensitive data in one raw line; undefined when there is none.
 *
 * @example
 * scanSensitive('GET /login?user=bob&password=hunter2'); // { kinds: ['secret'], masked: '…password=[REDACTED:secret]' }
 */
export function scanSensitive(line: string): SensitiveHit | undefined {
  const kinds = new Set<SensitiveKind>();
  let s = line;
  if (PREFILTER.test(s)) {
    s = s.replace(SESSION, (_m, key: string, sep: string) => {
      kinds.add('session');
      return `${key}${sep}[REDACTED:session]`;
    });
    s = s.replace(EMAIL, () => {
      kinds.add('email');
      return '[REDACTED:email]';
    });
    s = s.replace(SSN, () => {
      kinds.add('national_id');
      return '[REDACTED:national_id]';
    });
  }
  const names: string[] = [];
  // sudo's `PWD=/home/x` is a working directory, not a password (the core pattern reads `pwd=`).
  s = redactor
    .redactString(s.replace(SUDO_PWD, 'PWD\u0000/'), names)
    .replace(/PWD\u0000\//g, 'PWD=/');
  for (const n of names) kinds.add(n === 'pattern:card' ? 'card' : 'secret');
  if (kinds.size === 0) return undefined;
  return { kinds: [...kinds], masked: excerpt(s) };
}
