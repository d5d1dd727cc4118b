/**
 * Without a collector the example prints each event as one NDJSON line on stdout (after the same
 * redaction and neutralization the real exporter applies), so the demo shows what would be sent.
 */
import { createTestSecurityLogger } from '../../dist/sdk/testing.js';

export function createStdoutExporter() {
  const { events } = createTestSecurityLogger();
  let sent = 0;
  return {
    export(event) {
      events.export(event);
      const [ev] = events.all.slice(-1);
      events.clear();
      sent++;
      process.stdout.write(JSON.stringify(ev) + '\n');
    },
    flush: async () => {},
    shutdown: async () => {},
    stats: () => ({ ...events.stats(), sent }),
  };
}
