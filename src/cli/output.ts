/**
 * Shared output for every command that prints results: `--format table|json|ndjson`.
 * Tables align columns, truncate long cells with an ellipsis and never print control
 * characters (a stored value can never move the cursor or forge a line: CWE-117, CWE-150).
 */
import { LogwardenError } from '../core/errors.js';
import type { CliIO } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  readonly header: string;
  readonly get: (row: T) => string | number | boolean | null | undefined;
  /** Cells longer than this are cut with '…'. Default 40. */
  readonly maxWidth?: number;
  readonly align?: 'left' | 'right';
}

/** Parse a `--format` value. */
export function parseFormat(
  value: string | undefined,
  allowed: readonly OutputFormat[] = OUTPUT_FORMATS,
): OutputFormat {
  const f = (value ?? 'table') as OutputFormat;
  if (!allowed.includes(f)) {
    throw new LogwardenError(
      'LW_USAGE',
      `--format ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`,
    );
  }
  return f;
}

/** Parse a positive integer option such as `--limit`. */
export function parsePositiveInt(
  value: string | undefined,
  option: string,
  fallback: number,
  max = 1_000_000,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new LogwardenError(
      'LW_USAGE',
      `${option} ${JSON.stringify(value)}: expected an integer from 1 to ${max}`,
    );
  }
  return n;
}

// C0/C1 controls, DEL, and bidi overrides (Trojan Source) would garble or forge table output.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function clean(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(UNSAFE, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : '?'));
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
}

const len = (s: string): number => [...s].length;

/**
 * @example renderTable([{ a: 1 }], [{ header: 'A', get: (r) => r.a }]) // 'A\n1\n'
 */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  opts: { width?: number } = {},
): string {
  const cells = rows.map((row) =>
    columns.map((c) => truncate(clean(c.get(row)), c.maxWidth ?? 40)),
  );
  const widths = columns.map((c, i) =>
    Math.max(len(c.header), ...cells.map((r) => len(r[i] as string))),
  );
  // Fit the terminal: shrink the widest column until the line fits (not below 8).
  if (opts.width !== undefined) {
    const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    while (total() > opts.width) {
      const widest = widths.indexOf(Math.max(...widths));
      if ((widths[widest] as number) <= 8) break;
      widths[widest] = (widths[widest] as number) - 1;
    }
  }
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] as number;
        const t = truncate(v, w);
        const pad = ' '.repeat(w - len(t));
        return columns[i]?.align === 'right' ? pad + t : i === values.length - 1 ? t : t + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

export interface WriteRowsOptions<T> {
  readonly format: OutputFormat;
  readonly columns: readonly Column<T>[];
  /** JSON for one row: an object, or JSON text already serialized (stored bodies). */
  readonly json: (row: T) => unknown;
  /** Printed instead of an empty table (on stderr, so pipes stay clean). */
  readonly empty?: string;
}

/** Print rows in the chosen format. */
export function writeRows<T>(io: CliIO, rows: readonly T[], o: WriteRowsOptions<T>): void {
  const text = (row: T): string => {
    const v = o.json(row);
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  if (o.format === 'ndjson') {
    for (const row of rows) io.out(text(row) + '\n');
  } else if (o.format === 'json') {
    io.out(rows.length === 0 ? '[]\n' : `[\n${rows.map((r) => '  ' + text(r)).join(',\n')}\n]\n`);
  } else if (rows.length === 0 && o.empty) {
    io.err(o.empty + '\n');
  } else {
    io.out(renderTable(rows, o.columns, io.columns === undefined ? {} : { width: io.columns }));
  }
}

/** A short relative age for tables: `12s ago`, `5m ago`, `3h ago`, `4d ago`. */
export function ago(ms: number, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
