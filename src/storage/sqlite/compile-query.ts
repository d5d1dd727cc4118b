/**
 * Query tree (src/search/ast.ts) to a parameterized SQL predicate over `events`. User values only
 * ever travel as bound parameters; the SQL text is built from fixed fragments and column names
 * from the table below. Fields with a column use it (and its index); the rest are read with
 * json_extract from the stored body. Full text goes through the FTS5 table with the user's text
 * quoted as an FTS5 string, so FTS5 operators in it are plain words.
 *
 * @example
 * compileFilter(parseQuery('status:>=500 ip:10.0.0.0/8'));
 * // { sql: '(status >= ? AND lw_in_cidr(client_address, ?))', params: [500, '10.0.0.0/8'] }
 */
import { fieldKind } from '../../search/fields.js';
import type { QueryNode, WildcardNode } from '../../search/ast.js';

export interface CompiledFilter {
  readonly sql: string;
  readonly params: unknown[];
}

/** Fields stored as columns of `events` (schema.ts). */
const COLUMNS: Readonly<Record<string, string>> = {
  id: 'id',
  time: 'time_ms',
  'event.name': 'name',
  'event.category': 'category',
  severity: 'severity',
  'event.outcome': 'outcome',
  'http.response.status_code': 'status',
  'client.address': 'client_address',
  'user.id': 'user_id',
  source: 'source',
};

/** JSON path of a field inside the body. Field names were checked by the parser ([\w.-] only). */
function jsonPath(field: string): string {
  if (field.startsWith('attributes.')) return `$."attributes"."${field.slice(11)}"`;
  return `$."${field}"`;
}

/** GLOB pattern: literal text escaped with brackets, wildcards passed through. */
function globPattern(parts: WildcardNode['parts']): string {
  return parts
    .map((p) => (typeof p === 'string' ? p.replace(/[[*?]/g, (c) => `[${c}]`) : p.wildcard))
    .join('');
}

/** FTS5 query for one text term: a quoted string (embedded quotes doubled), `*` for prefix. */
export function ftsExpression(text: string, prefix: boolean): string {
  return `"${text.replace(/"/g, '""')}"${prefix ? ' *' : ''}`;
}

class Compiler {
  readonly params: unknown[] = [];

  /** SQL expression reading a field's value. */
  #value(field: string): string {
    const col = COLUMNS[field];
    if (col !== undefined) return col;
    this.params.push(jsonPath(field));
    const expr = 'json_extract(body, ?)';
    // Times other than `time` are RFC 3339 text in the body: compare them as epoch ms.
    return fieldKind(field) === 'time'
      ? `CAST(round((julianday(${expr}) - 2440587.5) * 86400000) AS INTEGER)`
      : expr;
  }

  /** A predicate over each element of an array field (log.redactions). */
  #listAny(field: string, predicate: (v: string) => string): string {
    this.params.push(jsonPath(field));
    return `EXISTS (SELECT 1 FROM json_each(body, ?) WHERE ${predicate('value')})`;
  }

  /**
   * For an IPv4 network of /16 or longer on an indexed column, a text range the index can use:
   * every address in 10.1.0.0/16 is written "10.1." + rest (canonical dotted decimal), and '/'
   * follows '.' in ASCII, so the range is ['10.1.', '10.1/'). The IPv4-mapped IPv6 spelling
   * ('::ffff:10.1.…') gets its own range. lw_in_cidr stays as the exact test.
   * (bench/store-insert.mjs: a /24 search on 100k events went from a table scan to an index range.)
   */
  #ipv4Hint(col: string, bytes: readonly number[], prefix: number, version: 4 | 6): string {
    // Wider networks (10.0.0.0/8) can match most of the traffic; then the index range plus a
    // sort costs more than reading newest-first until the page is full, so no hint.
    if (version !== 4 || prefix < 16) return '';
    const octets = Math.floor(prefix / 8);
    if (octets === 4) {
      const addr = bytes.join('.');
      this.params.push(addr, `::ffff:${addr}`);
      return `${col} IN (?, ?) AND `;
    }
    const lo = `${bytes.slice(0, octets).join('.')}.`;
    const hi = `${lo.slice(0, -1)}/`;
    this.params.push(lo, hi, `::ffff:${lo}`, `::ffff:${hi}`);
    return `(${col} >= ? AND ${col} < ? OR ${col} >= ? AND ${col} < ?) AND `;
  }

  compile(n: QueryNode): string {
    switch (n.type) {
      case 'and':
        return n.children.length === 0
          ? '1'
          : `(${n.children.map((c) => this.compile(c)).join(' AND ')})`;
      case 'or':
        return n.children.length === 0
          ? '0'
          : `(${n.children.map((c) => this.compile(c)).join(' OR ')})`;
      case 'not':
        // A missing field makes its comparison NULL; NOT NULL is NULL and would drop the row,
        // but "-user:bob" must keep events that have no user.
        return `NOT ifnull(${this.compile(n.child)}, 0)`;
      case 'text':
        this.params.push(ftsExpression(n.text, n.prefix));
        return 'seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)';
      case 'exists':
        if (fieldKind(n.field) === 'list') {
          this.params.push(jsonPath(n.field));
          return 'json_extract(body, ?) IS NOT NULL';
        }
        return `${this.#value(n.field)} IS NOT NULL`;
      case 'match':
        if (fieldKind(n.field) === 'list') {
          return this.#listAny(n.field, (v) => {
            this.params.push(n.value);
            return `${v} = ?`;
          });
        }
        {
          const v = this.#value(n.field);
          this.params.push(n.value);
          return `${v} = ?`;
        }
      case 'wildcard':
        if (fieldKind(n.field) === 'list') {
          return this.#listAny(n.field, (v) => {
            this.params.push(globPattern(n.parts));
            return `${v} GLOB ?`;
          });
        }
        {
          const v = this.#value(n.field);
          this.params.push(globPattern(n.parts));
          return `${v} GLOB ?`;
        }
      case 'cidr': {
        const v = this.#value(n.field);
        const hint =
          COLUMNS[n.field] !== undefined ? this.#ipv4Hint(v, n.bytes, n.prefix, n.version) : '';
        this.params.push(n.text);
        return `(${hint}lw_in_cidr(${v}, ?))`;
      }
      case 'compare': {
        const v = this.#value(n.field);
        this.params.push(n.value);
        return `${v} ${n.op} ?`;
      }
      case 'range': {
        const v = this.#value(n.field);
        this.params.push(n.from, n.to);
        return `${v} BETWEEN ? AND ?`;
      }
      case 'in': {
        const v = this.#value(n.field);
        if (n.values.length === 0) return '0';
        this.params.push(...n.values);
        return `${v} IN (${n.values.map(() => '?').join(', ')})`;
      }
    }
  }
}

/** Compile a filter; the SQL is a boolean expression over columns of `events`. */
export function compileFilter(node: QueryNode): CompiledFilter {
  const c = new Compiler();
  const sql = c.compile(node);
  return { sql, params: c.params };
}
