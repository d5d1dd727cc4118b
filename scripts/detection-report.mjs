#!/usr/bin/env node
// Regenerate docs/detection-report.md from ../shared/corpus/dev with the compiled detectors.
// Usage: npm run build && node scripts/detection-report.mjs [--corpus DIR] [--out FILE] [--misses CLASS]
//   --misses CLASS  also print (to stderr) the attack cases of CLASS that were missed and the
//                   benign cases that were flagged (for development; the report is not affected).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusRecord, corpusRequest } from '../dist/detection/patterns/corpus-case.js';
import { computeReport, renderReport } from '../dist/detection/patterns/report.js';
import { renderDetectionDoc } from '../dist/detection/patterns/report-doc.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const corpus = path.resolve(opt('--corpus', path.resolve(repoRoot, '../shared/corpus/dev')));
const out = path.resolve(opt('--out', path.join(repoRoot, 'docs/detection-report.md')));
const misses = opt('--misses', undefined);

if (!existsSync(path.join(corpus, 'http_requests.jsonl'))) {
  console.error(`detection-report: corpus not found at ${corpus} (pass --corpus DIR)`);
  process.exit(66);
}
const records = [];
for (const file of ['http_requests.jsonl', 'payloads.jsonl']) {
  for (const line of readFileSync(path.join(corpus, file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line);
    const r = corpusRecord(c);
    if (!r) continue;
    records.push(r);
    if (misses) {
      const fam =
        {
          sqli: ['sqli'],
          xss: ['xss'],
          path_traversal: ['path_traversal', 'rfi'],
          command_injection: ['command_injection'],
          log4shell: ['log4shell'],
          scanner: ['scanner'],
          ssrf: ['ssrf', 'rfi'],
          rfi: ['rfi', 'path_traversal', 'ssrf'],
          php_injection: ['php_injection', 'code_injection'],
          code_injection: ['code_injection', 'php_injection', 'command_injection'],
        }[r.class] ?? [];
      const req = corpusRequest(c).req;
      const show = JSON.stringify({
        id: r.id,
        loc: r.location,
        band: r.band,
        path: req.path,
        q: req.query,
        body: req.body?.slice(0, 200),
        h: Object.fromEntries(
          Object.entries(req.headers ?? {}).filter(
            ([k]) =>
              !/^(host|accept|accept-encoding|accept-language|keep-alive|proxy-connection|content-length|connection)$/i.test(
                k,
              ),
          ),
        ),
      });
      if (
        r.label === 'attack' &&
        r.class === misses &&
        !r.findings.some((f) => fam.includes(f.class))
      )
        console.error('MISS', show);
      if (
        r.label === 'benign' &&
        r.findings.length > 0 &&
        (misses === 'fp' || r.findings.some((f) => f.class === misses))
      )
        console.error('FP', JSON.stringify(r.findings[0]), show);
    }
  }
}
const metrics = computeReport(records);
console.log(renderReport(metrics));
const doc = renderDetectionDoc(metrics, {
  generatedBy: 'scripts/detection-report.mjs',
  corpus: 'corpus/dev',
});
// formatted like the rest of the repository (prettier is a dev dependency; plain output without it)
let formatted = doc;
try {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path.join(repoRoot, 'docs/x.md'))) ?? {};
  formatted = await prettier.format(doc, { ...options, parser: 'markdown' });
} catch (e) {
  console.error(`detection-report: writing unformatted markdown (${e.message})`);
}
writeFileSync(out, formatted);
console.log(`wrote ${path.relative(repoRoot, out)}`);
