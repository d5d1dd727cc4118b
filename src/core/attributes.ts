/**
 * Validation of the free-form `attributes` object: plain JSON only (no functions, BigInt,
 * non-finite numbers, class instances other than Date), bounded depth, field count and string size.
 */
import { setOwn } from './own.js';
import type { FieldError } from './validate.js';

export interface AttributeLimits {
  readonly maxDepth: number;
  readonly maxStringBytes: number;
}

/** Byte length of a string as UTF-8, computed only when it could exceed `max`. */
export function exceedsBytes(s: string, max: number): boolean {
  return s.length > max || (s.length * 3 > max && Buffer.byteLength(s) > max);
}

/**
 * Walk `attributes`, reporting errors with their dotted path; returns the number of leaves.
 * Dates become ISO strings (what JSON.stringify would write), in a copy, never in the caller's object.
 *
 * @example
 * const errors: FieldError[] = [];
 * checkAttributes({ a: { b: NaN } }, limits, errors); // errors: [{ field: 'attributes.a.b', ... }]
 */
export function checkAttributes(
  attrs: Record<string, unknown>,
  limits: AttributeLimits,
  errors: FieldError[],
): { leaves: number; value: Record<string, unknown> } {
  let leaves = 0;
  const walk = (v: unknown, path: string, depth: number): unknown => {
    switch (typeof v) {
      case 'string':
        leaves++;
        if (exceedsBytes(v, limits.maxStringBytes)) {
          errors.push({ field: path, reason: `string longer than ${limits.maxStringBytes} bytes` });
        }
        return v;
      case 'boolean':
        leaves++;
        return v;
      case 'number':
        leaves++;
        if (!Number.isFinite(v))
          errors.push({ field: path, reason: `expected a finite number, got ${v}` });
        return v;
      case 'undefined':
        return v;
      case 'object': {
        if (v === null) {
          leaves++;
          return v;
        }
        if (v instanceof Date) {
          leaves++;
          if (Number.isNaN(v.getTime())) errors.push({ field: path, reason: 'invalid Date' });
          return Number.isNaN(v.getTime()) ? null : v.toISOString();
        }
        if (depth >= limits.maxDepth) {
          errors.push({ field: path, reason: `nested deeper than ${limits.maxDepth} levels` });
          return v;
        }
        if (Array.isArray(v)) {
          let out: unknown[] | undefined;
          for (let i = 0; i < v.length; i++) {
            const nv = walk(v[i], `${path}[${i}]`, depth + 1);
            if (nv !== v[i]) (out ??= v.slice())[i] = nv;
          }
          return out ?? v;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          errors.push({
            field: path,
            reason:
              'expected plain JSON (object, array, string, number, boolean, null), got a class instance',
          });
          return v;
        }
        const obj = v as Record<string, unknown>;
        let out: Record<string, unknown> | undefined;
        for (const k of Object.keys(obj)) {
          if (k === '') errors.push({ field: `${path}.""`, reason: 'empty attribute key' });
          // Own "__proto__" keys (JSON.parse makes them) are a prototype-pollution vector in
          // every consumer that copies objects: refused, with the path.
          if (k === '__proto__')
            errors.push({ field: `${path}.${k}`, reason: "'__proto__' is not allowed as a key" });
          const nv = walk(obj[k], `${path}.${k}`, depth + 1);
          if (nv !== obj[k]) setOwn((out ??= { ...obj }), k, nv);
        }
        return out ?? obj;
      }
      default:
        errors.push({ field: path, reason: `expected a JSON value, got a ${typeof v}` });
        return v;
    }
  };
  const value = walk(attrs, 'attributes', 0) as Record<string, unknown>;
  return { leaves, value };
}
