/**
 * Every SigmaHQ rule shipped in ../shared/sigma outside deprecated/ and unsupported/ loads
 * (issue 5, first "must show" item). Failures are printed with their reason.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSigmaDirectory } from '../../src/detection/sigma/load-files.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const SIGMA = resolve(repoRoot, '../shared/sigma/sigma');
const present = existsSync(SIGMA);
if (!present) console.warn(`sigma corpus tests skipped: ${SIGMA} is absent`);

describe('SigmaHQ rules from ../shared/sigma', () => {
  it.skipIf(!present)(
    'every rule outside deprecated/ and unsupported/ loads (skipped when ../shared is absent)',
    () => {
      const { rules, errors, files } = loadSigmaDirectory(SIGMA, {
        excludeDirs: ['deprecated', 'unsupported'],
        // Placeholder rules (|expand) load once their values are given.
        placeholders: {
          Admins_Workstations: ['ADMIN-*'],
          Workstations: ['WS-*'],
          Servers: ['SRV-*'],
          DC_MACHINES: ['DC*'],
        },
      });
      for (const e of errors) console.error(`rule failed to load: ${e.message}`);
      expect(errors.map((e) => e.message)).toEqual([]);
      expect(files).toBeGreaterThan(300);
      expect(rules.length).toBeGreaterThanOrEqual(files);
    },
  );

  it.skipIf(!present)(
    'the legacy aggregation rules in unsupported/ fail with a reason naming the file (skipped when ../shared is absent)',
    () => {
      const { errors } = loadSigmaDirectory(resolve(SIGMA, 'unsupported'));
      const agg = errors.filter((e) => /legacy aggregation/.test(e.message));
      expect(agg.length).toBeGreaterThan(0);
      for (const e of agg) {
        expect(e.code).toBe('LW_RULE_INVALID');
        expect(e.message).toMatch(/unsupported\/.+\.yml: rule /);
      }
    },
  );
});
