/**
 * The Sigma condition grammar (specification v2, "Condition"): `and`, `or`, `not`, parentheses,
 * `1 of X`, `any of X`, `all of X`, `them`, and `*` wildcards in identifiers. Precedence:
 * `not` binds tighter than `and`, which binds tighter than `or`. Identifiers starting with `_`
 * are left out of `them` (spec). A parse error names the column and shows a caret.
 *
 * @example
 * const ast = parseCondition('selection and not 1 of filter_*');
 * const pred = compileCondition(ast, new Map([['selection', p1], ['filter_a', p2]]));
 */

export type ConditionNode =
  | { readonly type: 'and' | 'or'; readonly args: readonly ConditionNode[] }
  | { readonly type: 'not'; readonly arg: ConditionNode }
  | { readonly type: 'ref'; readonly name: string }
  | { readonly type: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string };

interface Token {
  readonly kind: 'lp' | 'rp' | 'word';
  readonly text: string;
  readonly pos: number;
}

export class ConditionSyntaxError extends Error {
  constructor(condition: string, pos: number, what: string) {
    super(`${what} at column ${pos + 1}:\n  ${condition}\n  ${' '.repeat(pos)}^`);
    this.name = 'ConditionSyntaxError';
  }
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let k = 0;
  while (k < src.length) {
    const c = src[k]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      k++;
    } else if (c === '(') {
      out.push({ kind: 'lp', text: c, pos: k++ });
    } else if (c === ')') {
      out.push({ kind: 'rp', text: c, pos: k++ });
    } else if (c === '|') {
      throw new ConditionSyntaxError(
        src,
        k,
        "legacy aggregation ('| count() ...', '| near') is not Sigma v2; write a correlation rule",
      );
    } else if (/[A-Za-z0-9_*.-]/.test(c)) {
      const start = k;
      while (k < src.length && /[A-Za-z0-9_*.-]/.test(src[k]!)) k++;
      out.push({ kind: 'word', text: src.slice(start, k), pos: start });
    } else {
      throw new ConditionSyntaxError(src, k, `unexpected character '${c}'`);
    }
  }
  return out;
}

export function parseCondition(src: string): ConditionNode {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const kw = (t: Token | undefined, w: string): boolean =>
    t?.kind === 'word' && t.text.toLowerCase() === w;
  const fail = (what: string): never => {
    throw new ConditionSyntaxError(src, toks[i]?.pos ?? src.length, what);
  };
  const parseOr = (): ConditionNode => {
    const args = [parseAnd()];
    while (kw(peek(), 'or')) {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { type: 'or', args };
  };
  const parseAnd = (): ConditionNode => {
    const args = [parseNot()];
    while (kw(peek(), 'and')) {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { type: 'and', args };
  };
  const parseNot = (): ConditionNode => {
    if (kw(peek(), 'not')) {
      i++;
      return { type: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = peek();
    if (t === undefined)
      return fail('expected a selection name, "not", "(" or "1 of"/"all of", found the end');
    if (t.kind === 'lp') {
      i++;
      const e = parseOr();
      if (peek()?.kind !== 'rp') fail(`expected ')' to close the '(' at column ${t.pos + 1}`);
      i++;
      return e;
    }
    if (t.kind === 'rp') return fail("unexpected ')'");
    const word = t.text.toLowerCase();
    if (word === 'and' || word === 'or' || word === 'of' || word === 'them')
      return fail(`unexpected '${t.text}'`);
    if (kw(toks[i + 1], 'of')) {
      let quantifier: 'one' | 'all';
      if (word === '1' || word === 'any') quantifier = 'one';
      else if (word === 'all') quantifier = 'all';
      else return fail(`'${t.text} of' is not Sigma: use '1 of', 'any of' or 'all of'`);
      i += 2;
      const target = peek();
      if (
        target?.kind !== 'word' ||
        ['and', 'or', 'not', 'of'].includes(target.text.toLowerCase())
      ) {
        return fail(`expected a selection name pattern or 'them' after '${t.text} of'`);
      }
      i++;
      const pattern = target.text.toLowerCase() === 'them' ? '*' : target.text;
      return {
        type: 'of',
        quantifier,
        pattern: target.text.toLowerCase() === 'them' ? 'them' : pattern,
      };
    }
    i++;
    return { type: 'ref', name: t.text };
  };
  const ast = parseOr();
  if (i < toks.length) fail(`unexpected '${toks[i]!.text}' (missing 'and'/'or'?)`);
  return ast;
}

/** Names that `pattern` stands for: `them` = every identifier not starting with `_`. */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  if (!pattern.includes('*')) return names.includes(pattern) ? [pattern] : [];
  const re = new RegExp('^' + pattern.split('*').map(escapeRe).join('.*') + '$');
  return names.filter((n) => re.test(n));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Every selection name the condition refers to (after expanding patterns), for checks. */
export function checkCondition(ast: ConditionNode, names: readonly string[]): void {
  const visit = (n: ConditionNode): void => {
    if (n.type === 'ref') {
      if (n.name.includes('*')) {
        if (expandPattern(n.name, names).length === 0)
          throw new Error(`condition pattern '${n.name}' matches no selection`);
      } else if (!names.includes(n.name)) {
        throw new Error(`condition references missing selection '${n.name}'`);
      }
    } else if (n.type === 'of') {
      if (expandPattern(n.pattern, names).length === 0) {
        throw new Error(
          `condition '${n.quantifier === 'all' ? 'all' : '1'} of ${n.pattern}' matches no selection`,
        );
      }
    } else if (n.type === 'not') visit(n.arg);
    else n.args.forEach(visit);
  };
  visit(ast);
}

/** Turn the AST into one closure over the compiled selections. */
export function compileCondition<T>(
  ast: ConditionNode,
  selections: ReadonlyMap<string, (x: T) => boolean>,
): (x: T) => boolean {
  const names = [...selections.keys()];
  const get = (n: string): ((x: T) => boolean) => selections.get(n)!;
  const build = (n: ConditionNode): ((x: T) => boolean) => {
    switch (n.type) {
      case 'ref': {
        if (!n.name.includes('*')) return get(n.name);
        // A bare wildcard identifier means "1 of" the matching selections (pySigma).
        return any(expandPattern(n.name, names).map(get));
      }
      case 'of': {
        const preds = expandPattern(n.pattern, names).map(get);
        return n.quantifier === 'all' ? every(preds) : any(preds);
      }
      case 'not': {
        const p = build(n.arg);
        return (x) => !p(x);
      }
      case 'and':
        return every(n.args.map(build));
      case 'or':
        return any(n.args.map(build));
    }
  };
  checkCondition(ast, names);
  return build(ast);
}

function every<T>(preds: Array<(x: T) => boolean>): (x: T) => boolean {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [(x: T) => boolean, (x: T) => boolean];
    return (x) => a(x) && b(x);
  }
  return (x) => {
    for (const p of preds) if (!p(x)) return false;
    return true;
  };
}

function any<T>(preds: Array<(x: T) => boolean>): (x: T) => boolean {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [(x: T) => boolean, (x: T) => boolean];
    return (x) => a(x) || b(x);
  }
  return (x) => {
    for (const p of preds) if (p(x)) return true;
    return false;
  };
}
