import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLogwardenError } from '../core/errors.js';
import { prepareEvent } from '../core/prepare.js';
import {
  createLineParser,
  detectFormat,
  LOG_FORMATS,
  PARSERS,
  resolveFormat,
  validateParseContext,
} from './index.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/logs',
);
const ctx = { now: Date.parse('2026-11-27T12:00:00Z') };
const read = (f: string): string[] =>
  readFileSync(path.join(FIXTURES, f), 'utf8').trimEnd().split('\n');

describe('detectFormat', () => {
  const expected: Record<string, string> = {
    'access-combined.log': 'access',
    'access-latin1.log': 'access',
    'auth.log': 'syslog',
    'auth-iso.log': 'syslog',
    'syslog5424.log': 'syslog',
    'nginx-error.log': 'nginx_error',
    'apache-error.log': 'apache_error',
    'logfmt.log': 'logfmt',
    'url-line.log': 'url_line',
  };
  it('names the format of every fixture with full confidence', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const f of files) {
      const d = detectFormat(read(f));
      expect(d.format, f).toBe(expected[f]);
      expect(d.confidence, f).toBe(1);
      expect(d.candidates[0]!.format, f).toBe(expected[f]);
    }
  });

  it('says unparsed with zero confidence when nothing fits, and ignores blank lines', () => {
    expect(detectFormat(['just some words', 'and more'])).toEqual({
      format: 'unparsed',
      confidence: 0,
      candidates: [],
    });
    expect(detectFormat([])).toMatchObject({ format: 'unparsed', confidence: 0 });
    const d = detectFormat(['', ...read('auth.log'), '   ', 'garbage']);
    expect(d.format).toBe('syslog');
    expect(d.confidence).toBeCloseTo(10 / 11);
  });
});

describe('createLineParser', () => {
  it('never drops a line: what nothing understands is an unparsed log event', () => {
    const p = createLineParser('auto', { sample: read('auth.log') });
    const ev = p.parse('<<< not a log line >>>', { ...ctx, source: 'file:/var/log/x' });
    expect(ev).toEqual({
      'event.name': 'log',
      message: '<<< not a log line >>>',
      'log.format': 'unparsed',
      'log.original': '<<< not a log line >>>',
      'log.source': 'file:/var/log/x',
    });
  });

  it('falls back per line to the other parsers in an auto-detected file', () => {
    const lines = [
      ...read('auth.log'),
      read('access-combined.log')[0]!,
      '{"msg":"json in the middle","level":"info"}',
      'free text',
    ];
    const p = createLineParser('auto', { sample: lines });
    expect(p.format).toBe('syslog');
    const formats = lines.map((l) => p.parse(l, ctx)['log.format']);
    expect(formats.slice(-3)).toEqual(['combined', 'json', 'unparsed']);
    expect(p.stats()).toEqual({
      received: 13,
      parsed: { syslog: 10, combined: 1, json: 1 },
      unparsed: 1,
      truncated: 0,
    });
  });

  it('does not fall back when the caller named the format', () => {
    const p = createLineParser('nginx'); // alias of access
    expect(p.format).toBe('access');
    expect(p.parse(read('auth.log')[0]!, ctx)['log.format']).toBe('unparsed');
  });

  it('works without a sample: the first format that fits becomes the primary', () => {
    const p = createLineParser('auto');
    expect(read('access-combined.log').map((l) => p.parse(l, ctx)['event.name'])).toEqual(
      Array(6).fill('http_request'),
    );
  });

  it('treats a trailing CR as part of the line terminator and fills host and source', () => {
    const p = createLineParser('access');
    const ev = p.parse(`${read('access-combined.log')[0]!}\r`, {
      ...ctx,
      hostname: 'web-7',
      source: 'file:/a.log',
    });
    expect(ev['user_agent.original']).toBe('Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0');
    expect(ev['log.original'].endsWith('\r')).toBe(false);
    expect(ev['host.name']).toBe('web-7');
    expect(ev['log.source']).toBe('file:/a.log');
  });

  it('rejects unknown formats and bad contexts with errors that name them', () => {
    let err: unknown;
    try {
      createLineParser('apache-ish');
    } catch (e) {
      err = e;
    }
    expect(isLogwardenError(err) && err.code).toBe('LW_USAGE');
    expect((err as Error).message).toContain('"apache-ish"');
    expect(() => resolveFormat('jsonl')).not.toThrow();
    expect(() => validateParseContext({ now: 0, timezone: 'Mars/Olympus' })).toThrow(
      /Mars\/Olympus/,
    );
    expect(() => validateParseContext({ now: 0, year: 26 })).toThrow(/year 26/);
    expect(() =>
      validateParseContext({ now: 0, timezone: 'America/New_York', year: 2026 }),
    ).not.toThrow();
  });

  it('has one registry entry per format, named as its key', () => {
    for (const f of LOG_FORMATS) expect(PARSERS[f].name).toBe(f);
  });

  it('produces events that the core accepts, for every fixture line', () => {
    for (const f of readdirSync(FIXTURES)) {
      const lines = read(f);
      const p = createLineParser('auto', { sample: lines });
      for (const l of lines) {
        const r = prepareEvent(p.parse(l, { ...ctx, source: `file:${f}` }), {
          source: `file:${f}`,
        });
        expect(r.ok ? [] : r.errors, `${f}: ${l}`).toEqual([]);
      }
    }
  });
});
