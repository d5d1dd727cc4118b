/**
 * SQL injection: reasons over the token stream of {@link sqlTokens}. Each value is read in up to
 * three contexts, as libinjection does: as is, and as if it continued a single- or double-quoted
 * string literal (the value `x' or 'a'='a` only makes sense inside `'...'`). A context that closes
 * a literal and then continues with SQL ("breaks out") is what injection looks like.
 */
import { excerptAround } from './excerpt.js';
import {
  DANGEROUS_SQL_FUNCTIONS,
  SQL_FUNCTIONS,
  STATEMENT_KEYWORDS,
  sqlTokens,
  type Tok,
} from './sql-tokens.js';
import type { Detector, FieldValue, Finding } from './types.js';

// Catalog names as whole dot-separated parts of a word (`information_schema.tables`,
// `master.dbo.sysobjects`), not inside other words: `www.dual-boxing.com` tokenizes to the word
// `www.dual`, and a Referer of that site was reported as a schema probe. `dual` only on its own
// (`from dual`): as the last part of a dotted word it is a host name far more often.
const SCHEMA =
  /(?:^|\.)(?:information_schema|sysobjects|syscolumns|sysdatabases|sqlite_master|sqlite_schema|pg_catalog|pg_shadow|pg_user|all_tables|all_users|user_tables|msysobjects|msysaccessobjects|sysibm|rdb\$[a-z_$]*|mysql\.user|sys\.tables|sys\.objects)(?:\.|$)|^dual$/;

interface Hit {
  score: number;
  rule: string;
}

function isOperand(t: Tok | undefined): boolean {
  if (!t) return false;
  return (
    t.t === 's' ||
    t.t === 'n' ||
    t.t === 'w' ||
    t.t === 'v' ||
    t.t === 'f' ||
    t.t === '(' ||
    (t.t === 'k' && (t.v === 'null' || t.v === 'true' || t.v === 'false'))
  );
}

/**
 * After an operand: operators (including PostgreSQL JSON `->`, `?`, `?|`, `@>`) up to a comparison
 * followed by an operand, within 8 tokens: `'{..}' -> '$.c' = 7`, `'{..}' ? 'a'`.
 */
function conditionAhead(toks: Tok[], from: number): boolean {
  for (let m = from; m < toks.length && m < from + 8; m++) {
    const t = toks[m] as Tok;
    if ((t.t === 'c' || t.v === '?') && isOperand(toks[m + 1])) return true;
    if (t.t === 'c' && (toks[m + 1]?.t === 'a' || toks[m + 1]?.v === '?') && isOperand(toks[m + 2]))
      return true;
    const isOp = t.t === 'a' || t.t === 'c' || t.v === '?';
    if (!isOp && !isOperand(t)) return false;
    // operands and operators alternate in an expression; two words in a row is prose
    if (!isOp && m > from && isOperand(toks[m - 1]) && toks[m - 1]?.t !== '(') return false;
    if (!isOp && m === from) return false;
  }
  return false;
}

function analyze(all: Tok[], broken: boolean): Hit {
  let best: Hit = { score: 0, rule: '' };
  let extra = 0;
  const hit = (score: number, rule: string): void => {
    if (score > best.score) {
      extra += best.score * 0.3;
      best = { score, rule };
    } else extra += score * 0.3;
  };
  const toks = all.filter((t) => t.t !== 'C');
  const hasComment = toks.length !== all.length;
  // Break-out: the first token closes the literal the value was placed in.
  if (broken && all[0]?.t === 's' && all[0].closed) {
    const a = all[1];
    const b = all[2];
    if (a?.t === 'C' && all.length <= 3) hit(0.9, 'sqli.quote-comment');
    if (a?.t === ')' && (b?.t === 'C' || b?.t === ';')) hit(0.9, 'sqli.quote-comment');
    if (a?.t === ';' && b && b.t !== 'C') hit(0.8, 'sqli.quote-stacked');
    if (a?.t === ';' && (b === undefined || b.t === 'C')) hit(0.8, 'sqli.quote-comment');
  }
  // a value that opens with `)` and continues with SQL breaks out of a parenthesis: `) like (`
  if (
    toks[0]?.t === ')' &&
    toks[1] &&
    (toks[1].t === 'l' || toks[1].t === 'c' || toks[1].t === 'u' || toks[1].t === 'k')
  )
    hit(0.7, 'sqli.paren-break');
  // a value that opens with a logic operator continues a WHERE clause: `or 'a' <`, `xor 5-`
  if (
    toks[0]?.t === 'l' &&
    isOperand(toks[1]) &&
    toks[2] &&
    (toks[2].t === 'c' || toks[2].t === 'a')
  )
    hit(0.7, 'sqli.boolean-condition');
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    const next = toks[i + 1];
    switch (t.t) {
      case 'u': {
        let j = i + 1;
        while (toks[j]?.t === '(' || toks[j]?.v === 'all' || toks[j]?.v === 'distinct') j++;
        if (toks[j]?.v === 'select') hit(1, 'sqli.union-select');
        break;
      }
      case ';':
        if (
          next &&
          (next.t === 'k' || next.t === 'f') &&
          STATEMENT_KEYWORDS.has(next.v) &&
          toks[i + 2]
        )
          hit(0.9, 'sqli.stacked-query');
        break;
      case 'f':
        if (DANGEROUS_SQL_FUNCTIONS.has(t.v)) hit(1, 'sqli.dangerous-function');
        else if (
          t.v === 'if' &&
          toks[i + 1]?.t === '(' &&
          isOperand(toks[i + 2]) &&
          toks[i + 3]?.t === 'c'
        )
          hit(0.7, 'sqli.conditional-function');
        else if (
          i > 0 &&
          (broken || toks[i - 1]?.t === 'l' || toks[i - 1]?.t === 'a' || toks[i - 1]?.t === 'c')
        )
          hit(0.5, 'sqli.function-call');
        break;
      case 'v':
        if (t.v.startsWith('@@')) hit(0.7, 'sqli.system-variable');
        break;
      case 'k':
        if (t.v === 'select') {
          if (toks[i - 1]?.t === '(') hit(0.9, 'sqli.subquery');
          for (let j = i + 1, prevW = false; j < toks.length && j < i + 20; j++) {
            const u = toks[j] as Tok;
            if (u.v === 'from') {
              if (j > i + 1) hit(0.8, 'sqli.select-from');
              break;
            }
            if (u.t === 'w' && prevW) break;
            prevW = u.t === 'w';
          }
          if (
            next &&
            (next.t === 'f' ||
              next.t === 'v' ||
              next.v === '*' ||
              next.v === 'null' ||
              (next.t === 'w' && SQL_FUNCTIONS.has(next.v)) ||
              (next.t === 'n' && toks[i + 2]?.t === ','))
          )
            hit(0.7, 'sqli.select-expr');
        } else if (t.v === 'waitfor' && (next?.v === 'delay' || next?.v === 'time'))
          hit(1, 'sqli.waitfor');
        else if (
          (t.v === 'exec' || t.v === 'execute') &&
          next &&
          (/^(?:xp_|sp_|master\.)/.test(next.v) ||
            next.t === 'v' ||
            (next.t === '(' && (toks[i + 2]?.t === 's' || toks[i + 2]?.t === 'v')))
        )
          hit(1, 'sqli.exec-procedure');
        else if (t.v === 'into' && (next?.v === 'outfile' || next?.v === 'dumpfile'))
          hit(1, 'sqli.into-outfile');
        else if ((t.v === 'order' || t.v === 'group') && next?.v === 'by' && toks[i + 2]?.t === 'n')
          hit(broken || hasComment ? 0.9 : 0.6, 'sqli.order-by-probe');
        else if (t.v === 'insert' && next?.v === 'into') hit(0.8, 'sqli.statement');
        else if (t.v === 'delete' && next?.v === 'from') hit(0.8, 'sqli.statement');
        else if (t.v === 'drop' && (next?.v === 'table' || next?.v === 'database'))
          hit(0.9, 'sqli.statement');
        else if (t.v === 'declare' && next?.t === 'v') hit(0.9, 'sqli.statement');
        else if (
          (t.v === 'create' || t.v === 'alter') &&
          next &&
          /^(?:function|procedure|table|trigger|user|view|database|index|login)$/.test(next.v)
        )
          hit(0.8, 'sqli.statement');
        else if (t.v === 'case' && next?.v === 'when') hit(0.6, 'sqli.case-when');
        else if (t.v === 'having' && isOperand(next)) hit(0.6, 'sqli.having');
        break;
      case 'l': {
        const prev = toks[i - 1];
        let j = i + 1;
        while (toks[j]?.t === '(') j++;
        const a = toks[j];
        const op = toks[j + 1];
        const b = toks[j + 2];
        const injectedAfter = broken || prev?.t === 's' || prev?.t === 'n' || prev?.t === ')';
        // a function call as the left operand: or json_extract(...) = 'x'
        let k = j;
        if (a?.t === 'f' && toks[j + 1]?.t === '(') {
          for (let depth = 0, m = j + 1; m < toks.length && m < j + 64; m++) {
            if (toks[m]?.t === '(') depth++;
            else if (toks[m]?.t === ')' && --depth === 0) {
              k = m;
              break;
            }
          }
        }
        if (k !== j && toks[k + 1]?.t === 'c' && isOperand(toks[k + 2])) {
          hit(injectedAfter ? 1 : 0.7, 'sqli.boolean-condition');
        } else if (isOperand(a) && op?.t === 'c' && isOperand(b)) {
          const taut = a && b && a.t === b.t && a.v === b.v;
          hit(taut || injectedAfter ? 1 : 0.7, taut ? 'sqli.tautology' : 'sqli.boolean-condition');
        } else if (
          isOperand(a) &&
          (op === undefined || op.t === ')') &&
          (a?.t === 'n' || a?.v === 'true' || a?.t === 'f') &&
          (hasComment || injectedAfter)
        ) {
          hit(0.8, 'sqli.boolean-condition');
        } else if (isOperand(a) && conditionAhead(toks, j + 1)) {
          hit(injectedAfter ? 0.9 : 0.6, 'sqli.boolean-condition');
        } else if (broken && i === 1 && isOperand(a)) {
          hit(0.6, 'sqli.quote-logic');
        }
        break;
      }
      case 'w':
        if (SCHEMA.test(t.v)) hit(0.9, 'sqli.schema-probe');
        break;
      case 'c':
        // identical operands compared: 1=1, 'a'='a', 42<=>42 (tautology without a logic operator)
        if (
          i > 0 &&
          next &&
          toks[i - 1] &&
          (next.t === 'n' || next.t === 's') &&
          next.t === toks[i - 1]?.t &&
          next.v === toks[i - 1]?.v &&
          toks[i + 2]?.t !== 'c' &&
          toks[i - 2]?.t !== 'c'
        )
          hit(0.7, 'sqli.tautology');
        break;
      default:
        break;
    }
    if (best.score >= 1) break;
  }
  return { score: Math.min(1, best.score + extra), rule: best.rule };
}

/** Cheap prefilter: SQL injection needs a quote, an operator, a parenthesis, a comment or a keyword. */
const PREFILTER =
  /['"`;=()#<>|&@$:]|--|\/\*|\b(?:union|select|or|and|xor|order|group|waitfor|exec|insert|drop|having|create|pg_\w+|information_schema|sysobjects)\b/;

/** PostgreSQL casts (`password::int`): an error-based extraction idiom; benign values do not cast. */
const PG_CAST =
  /::\s{0,8}(?:int|integer|int[248]|bigint|smallint|text|varchar|char|numeric|decimal|real|double|float[48]?|jsonb?|bool|boolean|bytea|date|timestamp|timestamptz|regclass|regproc|oid|xml|inet|uuid|money|name)\b/;
/** NoSQL (MongoDB) operators in parameter names or JSON: `id[$ne]=1`, `{"$where": ...}`. */
const NOSQL =
  /\[\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|or|and|not|nor|expr|elemmatch|type|size|all|mod|text)\]|["{,]\s{0,8}"?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|or|and|not|nor|expr|elemmatch|function|accumulator)"?\s{0,8}:/;

/** SQL injection detector: emits at most one finding per field. */
export const detectSqli: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  if (!PREFILTER.test(v)) return;
  let best = analyze(sqlTokens(v), false);
  if (best.score < 1 && v.indexOf('/*') >= 0) {
    // comment markers removed, content kept: `/*+!5000select*/`, `un/**/ion` style splitting
    const h = analyze(sqlTokens(v.replace(/\/\*[!+]?\d*|\*\//g, ' ')), false);
    if (h.score > best.score) best = h;
  }
  if (best.score < 0.8 && v.indexOf('::') >= 0 && PG_CAST.test(v))
    best = { score: 0.8, rule: 'sqli.pg-cast' };
  if (best.score < 0.8 && v.indexOf('$') >= 0 && NOSQL.test(v))
    best = { score: 0.8, rule: 'sqli.nosql-operator' };
  if (best.score < 1 && v.indexOf("'") >= 0) {
    const h = analyze(sqlTokens("'" + v), true);
    if (h.score > best.score) best = h;
  }
  if (best.score < 1 && v.indexOf('"') >= 0) {
    const h = analyze(sqlTokens('"' + v), true);
    if (h.score > best.score) best = h;
  }
  if (best.score >= 0.6) {
    out.push({
      class: 'sqli',
      rule: best.rule,
      field: f.field,
      excerpt: excerptAround(v, 0),
      score: round(best.score),
    });
  }
};

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
