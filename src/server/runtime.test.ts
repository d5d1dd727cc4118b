import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import type { StoredEvent } from '../storage/types.js';
import { createRuntime, type Component } from './runtime.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runtime', () => {
  it('starts components before HTTP, feeds them committed events in seq order, stops them in reverse', async () => {
    const { config } = parseConfig(
      {
        version: 1,
        server: { listen: '127.0.0.1:0' },
        storage: { path: dir, synchronous: 'normal' },
      },
      { origin: 'test', env: {} },
    );
    const order: string[] = [];
    const received: StoredEvent[] = [];
    const detector: Component = {
      name: 'detector',
      async start(ctx) {
        order.push('start detector');
        ctx.feed.subscribe((events) => received.push(...events));
      },
      async stop() {
        order.push('stop detector');
      },
    };
    const runtime = createRuntime({
      config,
      logger: pino({ level: 'silent' }),
      components: [detector],
    });
    await runtime.start();
    order.push('started');
    const { token } = runtime.context.tokens.create('app', ['ingest']);
    const send = (n: number) =>
      fetch(`${runtime.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          Array.from({ length: n }, (_, i) => ({ 'event.name': 'log', message: `m${i}` })),
        ),
      });
    const answers = await Promise.all([send(50), send(70), send(30)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 20));
    // Every committed event, in seq order without gaps: the 150 sent, plus logwarden's own
    // (the ledger's heartbeat) which commit through the same store.
    expect(received.map((e) => e.seq)).toEqual(
      Array.from({ length: received.length }, (_, i) => i),
    );
    const app = received.filter((e) => e.source === 'app');
    expect(app).toHaveLength(150);
    expect(received.filter((e) => e.source !== 'app').every((e) => e.name === 'heartbeat')).toBe(
      true,
    );
    const metrics = await runtime.context.metrics.registry.getSingleMetricAsString(
      'logwarden_events_stored_total',
    );
    expect(metrics).toContain('logwarden_events_stored_total{source="app"} 150');
    await runtime.stop();
    await runtime.stop(); // idempotent
    expect(order).toEqual(['start detector', 'started', 'stop detector']);
    await expect(fetch(`${runtime.url}/healthz`)).rejects.toThrow();
  });
});
