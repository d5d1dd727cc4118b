#!/usr/bin/env node
// Regenerate docs/log-detection-report.md from ../shared/corpus/dev (log_lines.jsonl and
// log_sequences.jsonl) with the compiled engine and the shipped rule pack (issue 5).
// Usage: npm run build && node scripts/log-detection-report.mjs [--corpus DIR] [--out FILE]
// Prints the targets; exits 1 when a target is missed (the document is written either way).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../dist/detection/engine/index.js';
import {
  evaluateLogLines,
  evaluateLogSequences,
  logTargets,
  renderLogDetectionDoc,
} from '../dist/detection/report/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const corpus = path.resolve(opt('--corpus', path.resolve(repoRoot, '../shared/corpus/dev')));
const out = path.resolve(opt('--out', path.join(repoRoot, 'docs/log-detection-report.md')));
const linesFile = path.join(corpus, 'log_lines.jsonl');
const seqFile = path.join(corpus, 'log_sequences.jsonl');
if (!existsSync(linesFile) || !existsSync(seqFile)) {
  console.error(`log-detection-report: corpus not found at ${corpus} (pass --corpus DIR)`);
  process.exit(66);
}
const read = (f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));

const { rules, errors } = loadRules();
for (const e of errors) console.error(`rule not loaded: ${e.message}`);
const t0 = performance.now();
const lines = evaluateLogLines(read(linesFile), { rules });
const seq = evaluateLogSequences(read(seqFile), { rules });
let doc = renderLogDetectionDoc(lines, seq, {
  generatedBy: 'scripts/log-detection-report.mjs',
  corpus: 'corpus/dev',
  rules: rules.length,
});
try {
  // formatted like the rest of the repository (prettier is a dev dependency)
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path.join(repoRoot, 'docs/x.md'))) ?? {};
  doc = await prettier.format(doc, { ...options, parser: 'markdown' });
} catch (e) {
  console.error(`prettier not available, writing unformatted markdown (${e.message})`);
}
writeFileSync(out, doc);
const t = logTargets(lines);
console.log(
  `ssh_bruteforce sources flagged: ${t.bruteforce.flagged}/${t.bruteforce.total}; benign sources flagged: ${t.benign.flagged}/${t.benign.total}`,
);
for (const s of t.bruteforce.missed)
  console.log(`  missed: ${s.file} ${s.source} (${s.lines} lines)`);
for (const s of t.benign.flaggedSources)
  console.log(`  false positive: ${s.file} ${s.source} by ${s.flaggedBy.join(', ')}`);
const parsed = seq.filter((s) => s.parsed);
const hit = parsed.reduce((n, s) => n + s.hit.length, 0);
const exp = parsed.reduce((n, s) => n + s.expected.length, 0);
console.log(
  `sequences: ${parsed.length}/${seq.length} parsed; expected addresses flagged ${hit}/${exp}`,
);
console.log(
  `wrote ${path.relative(process.cwd(), out)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
process.exitCode = t.met ? 0 : 1;
