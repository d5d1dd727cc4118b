/** Shared helpers for the assessment suites. */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAuditor, type AuditOptions } from '../../src/assess/audit/index.js';
import { buildReport, type AssessmentReport } from '../../src/assess/report/index.js';
import { repoRoot } from '../e2e/helpers.js';

export const FIXTURES = path.join(repoRoot, 'test/fixtures/assess');
export const SHARED = path.resolve(repoRoot, '../shared');

/** Audit files in-process (the same code the CLI runs) into a report. */
export async function auditReport(
  files: readonly string[],
  o: AuditOptions = {},
): Promise<AssessmentReport> {
  const auditor = createAuditor(o);
  for (const f of files)
    await auditor.addFile(
      path.relative(repoRoot, f),
      createInterface({ input: createReadStream(f), crlfDelay: Infinity }),
    );
  const { findings, ...audit } = auditor.finish();
  return buildReport({ kind: 'audit', title: `audit of ${files.length} files`, findings, audit });
}
