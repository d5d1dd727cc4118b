/**
 * A small SQL lexer for injection detection, in the spirit of libinjection: the value is cut into
 * typed tokens (string, number, keyword, function, logic, comparison, comment, ...) in one linear
 * pass, and the detector reasons about token sequences instead of matching literal payloads.
 * No regular expressions: the lexer cannot backtrack.
 */

/** Token types: s string, n number, k keyword, u union, l logic, c comparison, a arithmetic,
 *  f known function name before `(`, w bareword, v variable, C comment, ( ) , ; and x other. */
export type TokType =
  's' | 'n' | 'k' | 'u' | 'l' | 'c' | 'a' | 'f' | 'w' | 'v' | 'C' | '(' | ')' | ',' | ';' | 'x';

export interface Tok {
  t: TokType;
  v: string;
  /** For strings: the closing quote was present. */
  closed?: boolean;
}

/** Keywords that start a statement: after `;` they make a stacked query (sqli.ts). */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'drop',
  'exec',
  'execute',
  'declare',
  'shutdown',
  'waitfor',
  'create',
  'alter',
  'truncate',
  'grant',
  'begin',
  'set',
  'replace',
]);

export const KEYWORDS: ReadonlySet<string> = new Set([
  ...STATEMENT_KEYWORDS,
  'from',
  'where',
  'into',
  'table',
  'values',
  'delay',
  'having',
  'group',
  'order',
  'by',
  'limit',
  'offset',
  'case',
  'when',
  'then',
  'else',
  'end',
  'null',
  'true',
  'false',
  'all',
  'distinct',
  'as',
  'join',
  'procedure',
  'outfile',
  'dumpfile',
  'revoke',
  'column',
  'database',
  'schema',
  'top',
  'asc',
  'desc',
  'collate',
  'returning',
  'load_file',
  'analyse',
]);

const LOGIC: ReadonlySet<string> = new Set(['and', 'or', 'xor', 'not', '&&', '||', 'div', 'mod']);
const COMPARE_WORDS: ReadonlySet<string> = new Set([
  'like',
  'rlike',
  'regexp',
  'is',
  'in',
  'between',
  'sounds',
  'glob',
  'match',
  'against',
  'escape',
]);

/** Time-based, error-based and file/OS functions: calling them from a parameter is an attack (sqli.ts). */
export const DANGEROUS_SQL_FUNCTIONS: ReadonlySet<string> = new Set([
  'sleep',
  'benchmark',
  'pg_sleep',
  'extractvalue',
  'updatexml',
  'load_file',
  'xp_cmdshell',
  'dbms_pipe.receive_message',
  'receive_message',
  'randomblob',
  'sys_eval',
  'sys_exec',
  'pg_read_file',
  'pg_ls_dir',
  'lo_import',
  'utl_inaddr.get_host_address',
  'lo_get',
  'lo_export',
  'pg_read_binary_file',
  'get_host_address',
  'utl_http.request',
  'dbms_xmlgen.getxml',
  'ctxsys.drithsx.sn',
  'xp_regread',
  'xp_dirtree',
  'xp_fileexist',
  'openrowset',
  'opendatasource',
  'name_const',
  'dbms_lock.sleep',
  'procedure_analyse',
  'gtid_subset',
  'st_latfromgeohash',
  'load_extension',
  'xmltype',
  'sp_executesql',
  'json_keys',
  'geometrycollection',
  'multipoint',
  'polygon',
  'linestring',
]);

/** SQL functions that matter to an injector (time-based, error-based, file, string building, fingerprinting). */
export const SQL_FUNCTIONS: ReadonlySet<string> = new Set([
  ...DANGEROUS_SQL_FUNCTIONS,
  'char',
  'chr',
  'nchar',
  'concat',
  'concat_ws',
  'group_concat',
  'string_agg',
  'substring',
  'substr',
  'mid',
  'ascii',
  'ord',
  'hex',
  'unhex',
  'version',
  'database',
  'user',
  'current_user',
  'system_user',
  'session_user',
  'schema',
  'count',
  'elt',
  'if',
  'ifnull',
  'isnull',
  'nullif',
  'coalesce',
  'cast',
  'convert',
  'md5',
  'sha1',
  'make_set',
  'exp',
  'floor',
  'rand',
  'length',
  'len',
  'find_in_set',
  'json_extract',
  'sqlite_version',
  'db_name',
  'host_name',
  'suser_name',
  'is_srvrolemember',
  'row',
  'iif',
  'instr',
  'locate',
  'position',
  'left',
  'right',
  'reverse',
  'lower',
  'upper',
  'trim',
  'replace',
  'repeat',
  'space',
  'strcmp',
  'bin',
  'oct',
  'conv',
  'to_char',
  'current_setting',
  'pg_client_encoding',
  'inet_server_addr',
  'quote_ident',
  'sp_password',
  'waitfor',
  'sysdate',
  'now',
  'uuid',
  'connection_id',
  'last_insert_id',
  'found_rows',
  'row_count',
  'json_length',
]);

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 95 || (c >= 65 && c <= 90) || c > 127;
}
function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isSpace(c: number): boolean {
  return c <= 32 || c === 160;
}

/**
 * Tokenize `s` (already lower-cased). MySQL version comments `/*!50000select*\/` are read as
 * their content (that is how MySQL runs them). At most `maxTokens` tokens are produced.
 */
export function sqlTokens(s: string, maxTokens = 256): Tok[] {
  const out: Tok[] = [];
  const n = s.length;
  let i = 0;
  while (i < n && out.length < maxTokens) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // comments
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      if (s.charCodeAt(i + 2) === 33) {
        // /*!NNNNN ... */ : executed by MySQL; skip the marker and the version digits.
        i += 3;
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        continue;
      }
      const end = s.indexOf('*/', i + 2);
      out.push({ t: 'C', v: '/*' });
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 42 && s.charCodeAt(i + 1) === 47) {
      // stray end of a version comment
      i += 2;
      continue;
    }
    if (c === 35 || (c === 45 && s.charCodeAt(i + 1) === 45 && !isDigit(s.charCodeAt(i + 2)))) {
      const end = s.indexOf('\n', i);
      out.push({ t: 'C', v: c === 35 ? '#' : '--' });
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === 39 || c === 34) {
      // string literal with doubled-quote and backslash escapes
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === 92) {
          j += 2;
          continue;
        }
        if (d === c) {
          if (s.charCodeAt(j + 1) === c) {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        j++;
      }
      out.push({ t: 's', v: s.slice(i + 1, Math.min(j, n)), closed });
      i = closed ? j + 1 : n;
      continue;
    }
    if (c === 96) {
      // `identifier`
      const end = s.indexOf('`', i + 1);
      out.push({ t: 'w', v: s.slice(i + 1, end < 0 ? n : end) });
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      // 0x.., 0b.., digits[.digits][e[+-]digits]; a letter right after ends the number (`5000select`)
      let j = i + 1;
      if (c === 48 && (s[j] === 'x' || s[j] === 'b')) {
        j++;
        while (j < n && isHex(s.charCodeAt(j))) j++;
      } else {
        while (j < n && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
        if (
          (s[j] === 'e' || s[j] === 'E') &&
          (isDigit(s.charCodeAt(j + 1)) ||
            ((s[j + 1] === '-' || s[j + 1] === '+') && isDigit(s.charCodeAt(j + 2))))
        ) {
          j += 2;
          while (j < n && isDigit(s.charCodeAt(j))) j++;
        }
      }
      out.push({ t: 'n', v: s.slice(i, j) });
      i = j;
      continue;
    }
    if (c === 64) {
      let j = i + 1;
      if (s.charCodeAt(j) === 64) j++;
      while (j < n && (isWordChar(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
      out.push({ t: 'v', v: s.slice(i, j) });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isWordChar(d) || (d === 46 && isWordStart(s.charCodeAt(j + 1)))) j++;
        else break;
      }
      const w = s.slice(i, j);
      let k = j;
      while (k < n && isSpace(s.charCodeAt(k))) k++;
      // a comment between a function name and its parenthesis is still a call: sleep/**/(5)
      if (s.charCodeAt(k) === 47 && s.charCodeAt(k + 1) === 42) {
        const e = s.indexOf('*/', k + 2);
        if (e > 0) {
          k = e + 2;
          while (k < n && isSpace(s.charCodeAt(k))) k++;
        }
      }
      const call = s.charCodeAt(k) === 40;
      const last = w.lastIndexOf('.') >= 0 ? w.slice(w.lastIndexOf('.') + 1) : w;
      let t: TokType = 'w';
      if (w === 'union') t = 'u';
      else if (LOGIC.has(w)) t = 'l';
      else if (COMPARE_WORDS.has(w)) t = 'c';
      else if (call && (SQL_FUNCTIONS.has(w) || SQL_FUNCTIONS.has(last))) t = 'f';
      else if (KEYWORDS.has(w)) t = 'k';
      out.push({ t, v: w });
      i = j;
      continue;
    }
    if (c === 40 || c === 41 || c === 44 || c === 59) {
      out.push({ t: String.fromCharCode(c) as TokType, v: String.fromCharCode(c) });
      i++;
      continue;
    }
    // operators: take up to 2 operator characters
    if (s.startsWith('<=>', i)) {
      out.push({ t: 'c', v: '<=>' });
      i += 3;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '||' || two === '&&') {
      out.push({ t: 'l', v: two });
      i += 2;
      continue;
    }
    if (
      two === '<=' ||
      two === '>=' ||
      two === '<>' ||
      two === '!=' ||
      two === '==' ||
      two === ':='
    ) {
      out.push({ t: 'c', v: two });
      i += 2;
      continue;
    }
    if (c === 61 || c === 60 || c === 62) {
      out.push({ t: 'c', v: s[i] as string });
      i++;
      continue;
    }
    if (
      c === 43 ||
      c === 45 ||
      c === 42 ||
      c === 47 ||
      c === 37 ||
      c === 94 ||
      c === 126 ||
      c === 124 ||
      c === 38 ||
      c === 33
    ) {
      out.push({ t: 'a', v: s[i] as string });
      i++;
      continue;
    }
    out.push({ t: 'x', v: s[i] as string });
    i++;
  }
  return out;
}
