import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, LogwardenError } from '../../src/core/errors.js';

describe('error catalog', () => {
  it('gives every code a distinct-purpose exit code and an HTTP status', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
      expect(code).toMatch(/^LW_[A-Z_]+$/);
      expect(spec.exit).toBeGreaterThanOrEqual(1);
      expect(spec.http).toBeGreaterThanOrEqual(400);
    }
    const e = new LogwardenError('LW_QUERY_INVALID', 'bad token at 3', { details: { position: 3 } });
    expect(e.exitCode).toBe(65);
    expect(e.toJSON()).toEqual({ code: 'LW_QUERY_INVALID', message: 'bad token at 3', details: { position: 3 } });
  });
});
