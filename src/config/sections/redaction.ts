import { z } from 'zod';
import { defineSection, type ConfigIssue } from './define.js';

/** Extra redaction on top of the built-in rules (passwords, tokens, cookies, card numbers). */
export const redactionSection = defineSection({
  schema: z
    .strictObject({
      fields: z
        .array(z.string().min(1))
        .default([])
        .describe(
          'Extra field names whose values are always replaced (case-insensitive), e.g. [ssn, iban].',
        ),
      patterns: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[a-z][a-z0-9_]*$/),
            regex: z.string().min(1),
          }),
        )
        .default([])
        .describe(
          'Extra value patterns replaced wherever they occur: [{ name, regex }] (JavaScript syntax).',
        ),
    })
    .prefault({}),
  validate(r) {
    const issues: ConfigIssue[] = [];
    r.patterns.forEach((p, i) => {
      try {
        new RegExp(p.regex, 'g');
      } catch (e) {
        issues.push({
          path: ['patterns', i, 'regex'],
          message: `not a valid regular expression: ${(e as Error).message}`,
        });
      }
    });
    return issues;
  },
});
