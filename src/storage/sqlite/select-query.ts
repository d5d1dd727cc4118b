/**
 * An EventQuery to one SELECT, newest first. When the filter requires a full-text term (the
 * query is that term, or an AND with it as a direct part), the FTS5 table drives the scan:
 * FTS5 yields matches in rowid (= seq) order lazily, so a page of 100 stops after ~100 matches
 * instead of first collecting every match of a common word (bench: "common" on 200k events,
 * 80 ms with `seq IN (SELECT rowid ...)`, 0.1 ms driven by FTS). Otherwise events are read
 * newest first, through an index when SQLite finds one.
 */
import type { QueryNode, TextNode } from '../../search/ast.js';
import type { EventQuery } from '../types.js';
import { compileFilter, ftsExpression } from './compile-query.js';

export interface SelectSql {
  readonly sql: string;
  readonly params: unknown[];
}

/** The first text term every match must contain, and the rest of the filter. */
function splitDriver(filter: QueryNode | undefined): { driver?: TextNode; rest?: QueryNode } {
  if (filter === undefined) return {};
  if (filter.type === 'text') return { driver: filter };
  if (filter.type === 'and') {
    const i = filter.children.findIndex((c) => c.type === 'text');
    if (i >= 0) {
      const rest = filter.children.filter((_, k) => k !== i);
      return { driver: filter.children[i] as TextNode, rest: { type: 'and', children: rest } };
    }
  }
  return { rest: filter };
}

/** `columns` are names of `events` columns; `limit` has been checked by the caller. */
export function selectQuery(q: EventQuery, columns: readonly string[]): SelectSql {
  const { driver, rest } = splitDriver(q.filter);
  const where: string[] = [];
  const params: unknown[] = [];
  if (driver !== undefined) {
    where.push('events_fts MATCH ?');
    params.push(ftsExpression(driver.text, driver.prefix));
  }
  where.push('events.body IS NOT NULL');
  if (q.beforeSeq !== undefined) {
    where.push(driver === undefined ? 'events.seq < ?' : 'events_fts.rowid < ?');
    params.push(q.beforeSeq);
  }
  if (q.fromMs !== undefined) {
    where.push('events.time_ms >= ?');
    params.push(q.fromMs);
  }
  if (q.toMs !== undefined) {
    where.push('events.time_ms < ?');
    params.push(q.toMs);
  }
  if (rest !== undefined) {
    const f = compileFilter(rest);
    where.push(f.sql);
    params.push(...f.params);
  }
  const cols = columns.map((c) => `events.${c}`).join(', ');
  const from =
    driver === undefined ? 'events' : 'events_fts JOIN events ON events.seq = events_fts.rowid';
  const order = driver === undefined ? 'events.seq' : 'events_fts.rowid';
  return {
    sql: `SELECT ${cols} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} DESC LIMIT ${Math.floor(q.limit)}`,
    params,
  };
}
