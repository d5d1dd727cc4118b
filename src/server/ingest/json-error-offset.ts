/**
 * Where a JSON text stops being valid (RFC 8259 grammar), as a UTF-16 index. Only called after
 * JSON.parse failed, because V8's messages carry a position for some errors and not for others
 * ("Unexpected token 'x', ... is not valid JSON"). Iterative: a hostile nesting depth cannot
 * overflow the stack.
 */
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stack: ('[' | '{')[] = [];
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const sticky = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const value = (): boolean => {
    skip();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skip();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return true;
      }
      if (c === '{') return member();
      return value() && after();
    }
    if (c === '"') return sticky(STRING) && after();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return after();
      }
    }
    return sticky(NUMBER) && after();
  };
  const member = (): boolean => {
    skip();
    if (!sticky(STRING)) return false;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return value();
  };
  // After a complete value: close containers or continue with ',' (loops instead of recursing).
  const after = (): boolean => {
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (top === undefined) return true;
      const c = text[i];
      if (c === ',') {
        i++;
        return top === '{' ? member() : value();
      }
      if ((top === '[' && c === ']') || (top === '{' && c === '}')) {
        stack.pop();
        i++;
        continue;
      }
      return false;
    }
  };
  // value() recurses only into the first element of each container; `after` handles the rest.
  // Nesting of first elements could still be deep, so guard it.
  try {
    if (!value()) return i;
  } catch {
    return i; // stack exhausted on absurd nesting: report where we were
  }
  skip();
  return i < text.length ? i : text.length;
}
