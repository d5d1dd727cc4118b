/**
 * The correlation examples of the Sigma correlation rules specification (../shared), each with
 * events that must and must not trigger it (issue 5, second "must show" item). A case folder
 * under cases/sigma/ names the specification file, adds the base rules the example refers to
 * (written by us), and carries the test events in the rule-test format (test-cases.ts).
 *
 * Some examples are fragments (no `title`, or base rules without `logsource`); the harness adds
 * only those mandatory attributes and says so in the test name.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGSOURCE_TABLE } from '../../src/detection/sigma/logsource.js';
import type { LogsourceBinding } from '../../src/detection/sigma/logsource.js';
import { loadSigmaText } from '../../src/detection/sigma/loader.js';
import { runRuleTests } from '../../src/detection/sigma/rule-tests.js';
import { parseTestCases } from '../../src/detection/sigma/test-cases.js';
import type { LoadedSigma } from '../../src/detection/sigma/types.js';
import { parseYamlDocuments } from '../../src/detection/sigma/yaml-source.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const SPEC = resolve(
  repoRoot,
  '../shared/sigma/sigma-specification/specification/sigma-correlation-rules-specification',
);
const CASES = resolve(import.meta.dirname, 'cases/sigma');
const present = existsSync(SPEC);
if (!present) console.warn(`Sigma correlation specification examples skipped: ${SPEC} is absent`);

// The examples use Windows logsources, which logwarden's table does not serve; the table is
// data, so these tests add rows routing them to every event.
const LOGSOURCES: LogsourceBinding[] = [
  ...LOGSOURCE_TABLE,
  ...[
    { service: 'security' },
    { category: 'process_creation' },
    { category: 'network_connection' },
  ].map((ls): LogsourceBinding => ({
    logsource: { product: 'windows', ...ls },
    filter: {},
    taxonomy: 'logwarden',
  })),
];

/** Add the mandatory attributes a specification fragment leaves out. */
function complete(text: string, file: string): { text: string; added: string[] } {
  const added: string[] = [];
  const docs = text.split(/^---$/m).map((doc) => {
    let d = doc;
    if (!/^title:/m.test(d)) {
      d = `title: ${file}\n${d}`;
      added.push('title');
    }
    if (/^detection:/m.test(d) && !/^logsource:/m.test(d)) {
      d += '\nlogsource: { product: logwarden }\n';
      added.push('logsource');
    }
    return d;
  });
  return { text: docs.join('---\n'), added };
}

const caseDirs = existsSync(CASES)
  ? readdirSync(CASES)
      .filter((d) => d.startsWith('correlation-'))
      .sort()
  : [];

describe('Sigma correlation specification examples', () => {
  it('has a case for every typed example of the specification', () => {
    expect(caseDirs.length).toBeGreaterThanOrEqual(9);
  });

  for (const dir of caseDirs) {
    const caseDoc = parseYamlDocuments(readFileSync(join(CASES, dir, 'case.yaml'), 'utf8'))[0]!
      .value as Record<string, unknown>;
    const specFile = caseDoc['spec'] as string;
    it.skipIf(!present)(`${dir}: ${specFile} (skipped when ../shared is absent)`, () => {
      const rules: LoadedSigma[] = [];
      const notes: string[] = [];
      for (const f of [specFile, ...((caseDoc['spec_rules'] as string[] | undefined) ?? [])]) {
        const { text, added } = complete(readFileSync(join(SPEC, f), 'utf8'), f);
        if (added.length > 0) notes.push(`${f}: added ${added.join(', ')}`);
        rules.push(...loadSigmaText(text, { file: f }));
      }
      if (typeof caseDoc['rules'] === 'string')
        rules.push(...loadSigmaText(caseDoc['rules'], { file: `${dir}/case.yaml` }));
      const target = rules.find((r) =>
        caseDoc['target']
          ? r.title === caseDoc['target']
          : r.kind === 'correlation' && r.file === specFile,
      );
      expect(target, 'the correlation under test').toBeDefined();
      const tests = parseTestCases(caseDoc['tests'] as never, `${dir}/case.yaml`);
      expect(tests.some((t) => t.expect.match === false)).toBe(true);
      expect(tests.some((t) => t.expect.match === true || (t.expect.matches ?? 0) > 0)).toBe(true);
      const results = runRuleTests({ ...target!, tests }, { rules, logsources: LOGSOURCES });
      if (notes.length > 0) console.info(`${dir}: fragment completed (${notes.join('; ')})`);
      for (const r of results) if (!r.passed) console.error(r.message);
      expect(results.filter((r) => !r.passed).map((r) => r.message)).toEqual([]);
    });
  }
});
