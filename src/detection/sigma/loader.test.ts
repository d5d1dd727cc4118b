import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogwardenError } from '../../core/errors.js';
import { loadSigmaDirectory, loadSigmaFile } from './load-files.js';
import { loadSigmaText } from './loader.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-sigma-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULE = `title: Test rule
id: 11111111-2222-3333-4444-555555555555
level: high
tags: [attack.initial-access, attack.t1190]
logsource: { category: webserver }
detection:
  sel: { cs-uri-query|contains: 'union select' }
  condition: sel
`;

function errorOf(f: () => unknown): LogwardenError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LogwardenError);
    return e as LogwardenError;
  }
  throw new Error('expected an error');
}

describe('loadSigmaText', () => {
  it('loads metadata and keeps scalars as written', () => {
    const [r] = loadSigmaText(RULE + 'custom: 0x1F\nfalsepositives: [" padded "]\n', {
      file: 'r.yml',
    });
    expect(r!.kind).toBe('rule');
    expect(r!.id).toBe('11111111-2222-3333-4444-555555555555');
    expect(r!.tags).toEqual(['attack.initial-access', 'attack.t1190']);
    expect(r!.raw['custom']).toBe('0x1F');
    expect(r!.raw['falsepositives']).toEqual([' padded ']);
    expect(r!.file).toBe('r.yml');
  });

  it('names file, rule and reason when a rule cannot load', () => {
    const bad = RULE.replace("cs-uri-query|contains: 'union select'", 'f|foo: x');
    const e = errorOf(() => loadSigmaText(bad, { file: 'rules/bad.yml' }));
    expect(e.code).toBe('LW_RULE_INVALID');
    expect(e.message).toContain('rules/bad.yml');
    expect(e.message).toContain('11111111-2222-3333-4444-555555555555 "Test rule"');
    expect(e.message).toContain("unknown modifier 'foo'");
    const missing = errorOf(() =>
      loadSigmaText(RULE.replace('condition: sel', 'condition: sel and sel2')),
    );
    expect(missing.message).toContain("condition references missing selection 'sel2'");
    expect(
      errorOf(() => loadSigmaText(RULE.replace('level: high', 'level: severe'))).message,
    ).toMatch(/'level' is 'severe'/);
    expect(errorOf(() => loadSigmaText(RULE.replace('title: Test rule\n', ''))).message).toMatch(
      /missing 'title'/,
    );
    expect(
      errorOf(() => loadSigmaText('title: x\nlogsource: {product: linux}\ndetection: [\n')).message,
    ).toMatch(/YAML/);
  });

  it('loads multi-document files and rule collections with action: global/repeat/reset', () => {
    const text = `action: global
title: Collection
logsource: { product: logwarden }
detection:
  condition: sel
---
id: a
detection:
  sel: { f: one }
---
action: repeat
id: b
detection:
  sel: { f: two }
---
action: reset
---
title: Standalone
id: c
logsource: { product: logwarden }
detection:
  sel: { g: x }
  condition: sel
`;
    const rules = loadSigmaText(text);
    expect(rules.map((r) => [r.id, r.title])).toEqual([
      ['a', 'Collection'],
      ['b', 'Collection'],
      ['c', 'Standalone'],
    ]);
  });

  it('keeps the valid documents of a file when errors are collected', () => {
    const errors: LogwardenError[] = [];
    const good = RULE.replace('title: Test rule', 'title: Good');
    const bad = RULE.replace('title: Test rule', 'title: Bad').replace(
      'condition: sel',
      'condition: nope',
    );
    const rules = loadSigmaText(`${good}---\n${bad}---\n${good.replace('Good', 'Good too')}`, {
      file: 'c.yml',
      errors,
    });
    expect(rules.map((r) => r.title)).toEqual(['Good', 'Good too']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /c\.yml: rule .*"Bad" \(document 2, line \d+\): condition references missing selection 'nope'/,
    );
  });

  it('validates correlation rules', () => {
    const corr = (body: string): string => `title: C\ncorrelation:\n${body}`;
    expect(
      loadSigmaText(
        corr(
          '  type: event_count\n  rules: [r1]\n  group-by: [ip]\n  timespan: 5m\n  condition: { gte: 3 }\n',
        ),
      )[0],
    ).toMatchObject({
      kind: 'correlation',
      type: 'event_count',
      timespanMs: 300_000,
      condition: { gte: 3 },
      generate: false,
    });
    expect(
      errorOf(() => loadSigmaText(corr('  type: event_sum\n  rules: [r]\n  timespan: 5m\n')))
        .message,
    ).toMatch(/'correlation.type' is 'event_sum'/);
    expect(
      errorOf(() =>
        loadSigmaText(
          corr('  type: event_count\n  rules: [r]\n  timespan: 5 minutes\n  condition: {gte: 1}\n'),
        ),
      ).message,
    ).toMatch(/'timespan' is '5 minutes'/);
    expect(
      errorOf(() =>
        loadSigmaText(
          corr('  type: value_count\n  rules: [r]\n  timespan: 5m\n  condition: {gte: 1}\n'),
        ),
      ).message,
    ).toMatch(/needs 'condition.field'/);
    expect(
      errorOf(() =>
        loadSigmaText(
          corr('  type: event_count\n  rules: [r]\n  timespan: 5m\n  condition: {gteq: 1}\n'),
        ),
      ).message,
    ).toMatch(/unknown condition operator 'gteq'/);
    expect(
      loadSigmaText(
        corr('  type: event_count\n  rules: [r]\n  timespan: 1h\n  condition: { range: 2..4 }\n'),
      )[0],
    ).toMatchObject({ condition: { gte: 2, lte: 4 } });
  });
});

describe('files and directories', () => {
  it('attaches <rule>.tests.yaml and collects every failure in a directory', () => {
    writeFileSync(join(dir, 'good.yml'), RULE);
    writeFileSync(
      join(dir, 'good.tests.yml'),
      'tests:\n  - name: hit\n    event: { event.name: http_request, url.path: /a, url.query: "id=1 UNION SELECT 2" }\n    match: true\n',
    );
    writeFileSync(join(dir, 'bad.yml'), RULE.replace('sel: {', 'sel2: {'));
    writeFileSync(join(dir, 'bad2.yml'), 'title: [');
    const rules = loadSigmaFile(join(dir, 'good.yml'));
    expect(rules[0]!.tests).toHaveLength(1);
    const { rules: all, errors, files } = loadSigmaDirectory(dir);
    expect(files).toBe(3);
    expect(all).toHaveLength(1);
    expect(errors).toHaveLength(2);
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /bad\.yml.*condition references missing selection 'sel'/,
    );
    expect(errors.map((e) => e.message).join('\n')).toMatch(/bad2\.yml/);
  });
});
