/**
 * Log4Shell (CVE-2021-44228) and Log4j lookup injection. Obfuscated payloads hide `jndi:` behind
 * nested lookups — `${${lower:j}ndi:...}`, `${::-j}`, `${env:NaN:-j}`, `${upper:n}` — so we
 * evaluate lookups the way Log4j's StrSubstitutor would (innermost first; `a:-b` yields the default
 * `b`; `lower:`/`upper:` yield their argument) and ask whether a `jndi:` lookup results. At most
 * {@link LIMITS.maxLookupRewrites} lookups are evaluated per value.
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import { LIMITS, type Detector, type FieldValue, type Finding } from './types.js';

/** Lookups that read environment or system data (exfiltration through DNS in the JNDI host name). */
const DATA_LOOKUPS =
  /^(?:env|sys|java|ctx|main|bundle|spring|k8s|docker|web|log4j|jvmrunargs|date|base64|lower|upper|marker|map|sd|event|hostname|jndi)$/;

export interface LookupResult {
  jndi: boolean;
  lookups: number;
  resolved: string;
}

/** Evaluate Log4j-style lookups in `v` (one pass with a stack; see the file comment). */
export function resolveLookups(v: string): LookupResult {
  let out = '';
  const stack: number[] = [];
  let jndi = false;
  let lookups = 0;
  let rewrites = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 36 && v.charCodeAt(i + 1) === 123 && rewrites < LIMITS.maxLookupRewrites) {
      stack.push(out.length);
      out += '${';
      i++;
      continue;
    }
    if (c === 125 && stack.length > 0) {
      const at = stack.pop() as number;
      const expr = out.slice(at + 2).trim();
      rewrites++;
      let value: string;
      const colon = expr.indexOf(':');
      const prefix = (colon >= 0 ? expr.slice(0, colon).trim() : expr).toLowerCase();
      if (/^jndi\s*:/i.test(expr)) {
        jndi = true;
        value = '';
      } else {
        const dflt = expr.indexOf(':-');
        if (DATA_LOOKUPS.test(prefix) || dflt >= 0 || expr === 'hostname') lookups++;
        if (dflt >= 0) value = expr.slice(dflt + 2);
        else if (prefix === 'lower' || prefix === 'upper') value = expr.slice(colon + 1);
        else if (colon >= 0 && DATA_LOOKUPS.test(prefix)) value = 'x';
        else value = expr;
      }
      out = out.slice(0, at) + value;
      continue;
    }
    out += v[i];
  }
  return { jndi, lookups, resolved: out };
}

const JNDI_PROTO = /jndi\s*:\s*(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?)\b/;

/** Log4Shell detector: runs on every header, not only the usual ones (the exploit used any logged header). */
export const detectLog4Shell: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  const d = v.indexOf('${');
  const j = v.indexOf('jndi');
  if (d < 0 && j < 0) return;
  let score = 0;
  let rule = '';
  if (d >= 0) {
    const r = resolveLookups(v);
    if (r.jndi || (r.lookups > 0 && r.resolved.toLowerCase().indexOf('jndi:') >= 0)) {
      score = 1;
      rule = 'log4shell.jndi-lookup';
    } else if (r.lookups > 0) {
      score = 0.8;
      rule = 'log4shell.lookup';
    }
  }
  if (score === 0 && j >= 0 && JNDI_PROTO.test(v)) {
    score = 0.7;
    rule = 'log4shell.jndi-url';
  }
  if (score > 0)
    out.push({
      class: 'log4shell',
      rule,
      field: f.field,
      excerpt: excerptAround(v, Math.max(0, d >= 0 ? d : j)),
      score: round(score),
    });
};
