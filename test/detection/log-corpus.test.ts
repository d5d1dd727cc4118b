// The log-line and log-sequence detection report (issue 5): runs parsing and the detection engine
// with the shipped rule pack over ../shared/corpus/dev/log_lines.jsonl (per file, scored per
// source) and log_sequences.jsonl (CrowdSec hub tests, per expected source), writes
// docs/log-detection-report.md and asserts the targets: every ssh_bruteforce source flagged, no
// benign source flagged. Skips, saying why, when the corpus is absent.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/detection/engine/index.js';
import {
  evaluateLogLines,
  evaluateLogSequences,
  logTargets,
  renderLogDetectionDoc,
  type LogLineCase,
  type LogSequenceCase,
} from '../../src/detection/report/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = path.resolve(repoRoot, '../shared/corpus/dev');
const LINES = path.join(CORPUS, 'log_lines.jsonl');
const SEQUENCES = path.join(CORPUS, 'log_sequences.jsonl');
const have = existsSync(LINES) && existsSync(SEQUENCES);
if (!have) console.warn(`log-corpus: skipped, corpus not found at ${CORPUS}`);

function read<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

describe('log detection report on the development corpus', () => {
  it.skipIf(!have)(
    'flags every sshd brute-force source and no benign source (skipped when ../shared is absent)',
    async () => {
      const { rules, errors } = loadRules();
      expect(errors).toEqual([]);
      const lineCases = read<LogLineCase>(LINES);
      const seqCases = read<LogSequenceCase>(SEQUENCES);
      // every case of both files was read
      expect(lineCases.length).toBeGreaterThan(3000);
      expect(seqCases.length).toBeGreaterThan(100);
      const lines = evaluateLogLines(lineCases, { rules });
      const seq = evaluateLogSequences(seqCases, { rules });
      const doc = renderLogDetectionDoc(lines, seq, {
        generatedBy: 'scripts/log-detection-report.mjs',
        corpus: 'corpus/dev',
        rules: rules.length,
      });
      const options = (await prettier.resolveConfig(path.join(repoRoot, 'docs/x.md'))) ?? {};
      writeFileSync(
        path.join(repoRoot, 'docs/log-detection-report.md'),
        await prettier.format(doc, { ...options, parser: 'markdown' }),
      );
      const t = logTargets(lines);
      console.log(
        `ssh_bruteforce sources flagged ${t.bruteforce.flagged}/${t.bruteforce.total}, benign sources flagged ${t.benign.flagged}/${t.benign.total}`,
      );
      // the corpus has brute force and benign sources in every file family
      expect(t.bruteforce.total).toBeGreaterThan(20);
      expect(t.benign.total).toBeGreaterThan(10);
      expect(t.bruteforce.missed.map((s) => `${s.file} ${s.source}`)).toEqual([]);
      expect(
        t.benign.flaggedSources.map((s) => `${s.file} ${s.source}: ${s.flaggedBy.join(', ')}`),
      ).toEqual([]);
      // the CrowdSec sshd scenarios we have rules for: every expected address flagged
      for (const id of [
        'crowdsec-ssh-slow-bf',
        'crowdsec-ssh-timeout',
        'crowdsec-sshd-bad-keyexchange-bf',
        'crowdsec-sshd_banner_exchange',
      ]) {
        const s = seq.find((x) => x.id === id);
        expect(s, id).toBeDefined();
        expect(s!.parsed, id).toBe(true);
        expect(s!.missed, id).toEqual([]);
      }
    },
    180_000,
  );
});
