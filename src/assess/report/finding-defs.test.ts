import { describe, expect, it } from 'vitest';
import { FINDING_DEFS } from './finding-defs.js';
import { makeFinding, scoreFindings, type Finding } from './finding.js';
import { REQUIREMENTS, isRequirementId, requirement } from './requirements.js';

describe('requirement catalogue and finding definitions', () => {
  it('every finding maps only to requirement ids in the catalogue', () => {
    const unknown = Object.entries(FINDING_DEFS).flatMap(([id, d]) =>
      d.refs.filter((r) => !isRequirementId(r)).map((r) => `${id} -> ${r}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every finding cites OWASP A09, ASVS or PCI DSS 10 and has a fix', () => {
    for (const [id, d] of Object.entries(FINDING_DEFS)) {
      expect(d.refs.length, id).toBeGreaterThan(0);
      expect(d.fix.length, id).toBeGreaterThan(30);
    }
  });

  it('covers the four standards, with ids in their published shapes', () => {
    const byStd = new Map<string, string[]>();
    for (const r of REQUIREMENTS.values())
      byStd.set(r.standard, [...(byStd.get(r.standard) ?? []), r.id]);
    expect(byStd.get('owasp')).toEqual(['A09:2021']);
    for (const id of byStd.get('asvs4')!) expect(id).toMatch(/^ASVS4:V7\.\d\.\d$/);
    for (const id of byStd.get('asvs5')!) expect(id).toMatch(/^ASVS5:V16\.\d\.\d$/);
    for (const id of byStd.get('pci')!) expect(id).toMatch(/^PCI:(?:10\.\d(?:\.\d){1,2}|3\.5\.1)$/);
    expect(requirement('PCI:10.2.2').label).toBe('PCI DSS v4.0 10.2.2');
  });

  it('an unknown requirement id throws (a mapping typo cannot pass)', () => {
    expect(() => requirement('PCI:10.9.9')).toThrow(/unknown requirement id "PCI:10.9.9"/);
    expect(() => requirement('ASVS4:V7.3.2')).toThrow(); // removed in 4.0.3
  });

  it('scores 100 minus severity penalties, with school grades', () => {
    const f = (severity: Finding['severity']): Finding =>
      makeFinding('AUD-NO-WHO', 'audit', { summary: 'x', severity });
    expect(scoreFindings([])).toEqual({ score: 100, grade: 'A' });
    expect(scoreFindings([f('low'), f('low')])).toEqual({ score: 94, grade: 'A' });
    expect(scoreFindings([f('high')])).toEqual({ score: 85, grade: 'B' });
    expect(scoreFindings([f('critical')])).toEqual({ score: 70, grade: 'C' });
    expect(scoreFindings([f('critical'), f('medium')])).toEqual({ score: 62, grade: 'D' });
    expect(scoreFindings([f('critical'), f('critical'), f('critical'), f('critical')])).toEqual({
      score: 0,
      grade: 'F',
    });
  });
});
