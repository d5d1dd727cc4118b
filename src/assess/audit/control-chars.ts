/**
 * Injected and control characters in a log line (CWE-117, CWE-150): ANSI escape sequences, other
 * C0/C1 controls, CR/LF inside a parsed field (a JSON-escaped newline that a viewer would render
 * as a second, forged line), and URL-encoded CR/LF/ESC (an injection attempt in a request).
 */
import { neutralize } from '../../core/neutralize.js';
import type { ParsedEvent } from '../../parsers/index.js';

export type ControlKind = 'ansi_escape' | 'control_char' | 'crlf_in_field' | 'encoded_crlf';

export const CONTROL_LABELS: Readonly<Record<ControlKind, string>> = {
  ansi_escape: 'ANSI escape sequence',
  control_char: 'other control character',
  crlf_in_field: 'CR/LF inside a field (forged line)',
  encoded_crlf: 'URL-encoded CR/LF/ESC (%0d %0a %1b)',
};

const ANSI = /\u001b\[|\u009b/;
// Tab is ordinary; a trailing CR is the CRLF terminator.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009a\u009c-\u009f]|\r(?!$)/;
const ENCODED = /%0[ad]|%1b|%e2%80%a[89]/i;
const FIELDS = [
  'message',
  'url.path',
  'url.query',
  'user.name',
  'user.id',
  'user_agent.original',
] as const;

/** The kinds found in one line and its parsed event (empty when clean). */
export function scanControl(line: string, ev: ParsedEvent): ControlKind[] {
  const out: ControlKind[] = [];
  if (ANSI.test(line)) out.push('ansi_escape');
  if (CONTROL.test(line)) out.push('control_char');
  // Fields decoded from JSON escapes (`\n`, `\u001b`) carry characters the raw line hides.
  for (const f of FIELDS) {
    const v = ev[f];
    if (typeof v !== 'string') continue;
    if (/[\r\n]/.test(v) && !out.includes('crlf_in_field')) out.push('crlf_in_field');
    if (ANSI.test(v) && !out.includes('ansi_escape')) out.push('ansi_escape');
  }
  const url = `${ev['url.path'] ?? ''}?${ev['url.query'] ?? ''}`;
  if (ENCODED.test(url)) out.push('encoded_crlf');
  return out;
}

/** A printable excerpt of a line with control characters made visible. */
export function visibleExcerpt(line: string, max = 160): string {
  const v = neutralize(line).value;
  return v.length > max ? v.slice(0, max - 1) + '…' : v;
}
