/**
 * Detection items whose comparison is not a string match: `exists`, `gt`/`gte`/`lt`/`lte`,
 * `cidr` (IPv4 and IPv6, node:net BlockList), `re` (regex.ts) and `fieldref` (another field of
 * the same event, optionally with contains/startswith/endswith, case-insensitive unless cased).
 *
 * @example
 * compileCompare('ip', 'ip|cidr', ['cidr'], 'cidr', '10.0.0.0/8', false, {})(view)
 */
import { BlockList, isIP } from 'node:net';
import type { CompileOptions, ViewPredicate } from './compile-item.js';
import { anyValue, fieldId, onValues, stringForm } from './event-view.js';
import type { SigmaEventView } from './event-view.js';
import { WILDCARD_MODIFIERS } from './modifiers.js';
import { compileSigmaRegex } from './regex.js';
import type { SafeRegex } from './regex.js';

export function compileCompare(
  field: string | undefined,
  key: string,
  mods: readonly string[],
  compare: string,
  v: string,
  cased: boolean,
  opts: CompileOptions,
): ViewPredicate {
  switch (compare) {
    case 'exists': {
      if (v !== 'true' && v !== 'false')
        throw new Error(`'${key}' expects true or false, got '${v}'`);
      if (field === undefined) throw new Error(`'exists' needs a field name`);
      const want = v === 'true';
      const id = fieldId(field);
      return (view) => {
        const x = view.getId(id);
        return (x !== undefined && x !== null) === want;
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n))
        throw new Error(`'${key}' expects a number, got '${v}'`);
      const cmp = numericCompare(compare, n);
      return onValues(
        field,
        (view, id) => view.getId(id),
        (x) => {
          const s = stringForm(x);
          if (s === undefined || s.trim() === '') return false;
          const num = Number(s);
          return Number.isFinite(num) && cmp(num);
        },
      );
    }
    case 'cidr': {
      const list = new BlockList();
      const slash = v.indexOf('/');
      const addr = slash < 0 ? v : v.slice(0, slash);
      const family = isIP(addr);
      const prefix = slash < 0 ? (family === 6 ? 128 : 32) : Number(v.slice(slash + 1));
      if (
        family === 0 ||
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > (family === 6 ? 128 : 32)
      ) {
        throw new Error(`'${key}' has an invalid CIDR '${v}'`);
      }
      list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
      return onValues(
        field,
        (view, id) => view.getId(id),
        (x) => {
          const s = stringForm(x);
          if (s === undefined) return false;
          const fam = isIP(s);
          if (fam === 0) return false;
          return list.check(s, fam === 6 ? 'ipv6' : 'ipv4');
        },
      );
    }
    case 're': {
      const flags = {
        i: mods.includes('i') || mods.includes('ignorecase'),
        m: mods.includes('m') || mods.includes('multiline'),
        s: mods.includes('s') || mods.includes('dotall'),
      };
      let re: SafeRegex;
      try {
        re = compileSigmaRegex(v, flags, {
          ...(opts.maxRegexInputChars === undefined
            ? {}
            : { maxInputChars: opts.maxRegexInputChars }),
          ...(opts.onRegexTruncate === undefined ? {} : { onTruncate: opts.onRegexTruncate }),
        });
      } catch (e) {
        throw new Error(`'${key}': ${(e as Error).message}`, { cause: e });
      }
      opts.onRegex?.(re);
      return onValues(
        field,
        (view, id) => view.getId(id),
        (x) => {
          const s = stringForm(x);
          return s !== undefined && re.test(s);
        },
      );
    }
    case 'fieldref': {
      if (field === undefined) throw new Error(`'fieldref' needs a field name`);
      const other = v;
      const how = mods.find((m) => WILDCARD_MODIFIERS.has(m));
      const rel: (a: string, b: string) => boolean =
        how === 'contains'
          ? (a, b) => a.includes(b)
          : how === 'startswith'
            ? (a, b) => a.startsWith(b)
            : how === 'endswith'
              ? (a, b) => a.endsWith(b)
              : (a, b) => a === b;
      const read = cased
        ? (view: SigmaEventView, id: number) => view.getId(id)
        : (view: SigmaEventView, id: number) => view.lowerId(id);
      const fieldNo = fieldId(field);
      const otherNo = fieldId(other);
      return (view) => {
        const a = read(view, fieldNo);
        const b = stringForm(read(view, otherNo));
        if (b === undefined) return false;
        return anyValue(a, (x) => {
          const s = stringForm(x);
          return s !== undefined && rel(s, b);
        });
      };
    }
    default:
      throw new Error(`internal: unknown comparison '${compare}'`);
  }
}

function numericCompare(op: string, n: number): (x: number) => boolean {
  if (op === 'gt') return (x) => x > n;
  if (op === 'gte') return (x) => x >= n;
  if (op === 'lt') return (x) => x < n;
  return (x) => x <= n;
}
