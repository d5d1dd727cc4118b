import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { createLineParser } from '../../parsers/index.js';
import { createDetectionEngine } from '../engine/engine.js';
import { loadRules, ruleSources } from '../engine/load-rules.js';
import { createRangeConsumer } from './consumer.js';
import { createStage, type RangeWire } from './stage.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// JSON events with every carried field (the ones syslog lines lack too), some without them.
const LINES = Array.from({ length: 40 }, (_, i) =>
  JSON.stringify({
    time: new Date(Date.UTC(2026, 10, 27, 9, 0, i * 20)).toISOString(),
    'event.name': i % 3 === 0 ? 'malicious_attack_tool' : 'authn_login_fail',
    ...(i % 5 !== 4 ? { 'client.address': `203.0.113.${i % 4}` } : {}),
    ...(i % 2 === 0
      ? {
          'user.id': `u${i % 5}`,
          'log.source_id': 'src-1',
          'service.name': `svc-${i % 3}`,
          'deployment.environment': 'prod',
        }
      : { 'user.name': 'root' }),
    'host.name': `h${i % 2}`,
  }),
);

describe('range consumer', () => {
  it('gives the alerts engine.process gives, carried fields and event refs included', () => {
    const file = path.join(dir, 'app.jsonl');
    writeFileSync(file, LINES.join('\n') + '\n');
    const { rules } = loadRules();
    const ctx = { now: Date.parse('2026-11-27T12:00:00Z'), source: `file:${file}` };
    const o = { logFormat: 'auto', ctx, source: ctx.source };

    const plain = createDetectionEngine({ rules, collect: true });
    const parser = createLineParser('auto', { sample: LINES });
    for (const l of LINES)
      plain.process(parser.parse(l, ctx) as Record<string, unknown>, { source: o.source });
    plain.finish();
    const want = plain.takeAlerts();

    const engine = createDetectionEngine({ rules, collect: true });
    const stage = createStage({ sources: ruleSources(rules), patterns: true });
    stage.setFile({ file, logFormat: 'auto', sample: LINES, ctx });
    const consumer = createRangeConsumer(engine, o, LINES);
    const size = statSync(file).size;
    const cut = Math.floor(size / 3);
    for (const [id, [s, e]] of [
      [0, cut],
      [cut, size],
    ].entries())
      consumer.consume(deserialize(serialize(stage.run(id, s!, e!))) as RangeWire);
    engine.finish();
    const got = engine.takeAlerts();

    expect(want.length).toBeGreaterThan(3);
    expect(want.some((a) => a.service !== undefined && a.environment === 'prod')).toBe(true);
    expect(want.some((a) => a.entity.value === 'u4')).toBe(true); // user.id, no address
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    expect(consumer.result().lines).toBe(LINES.length);
  });
});
