/**
 * Cross-site scripting: a small HTML reader (tags, attribute names, attribute values) plus the
 * script contexts a browser honours without a tag (`javascript:` URLs, event-handler attributes
 * injected into an existing tag, CSS `expression()`), then JavaScript sinks as a weaker signal.
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import type { Detector, FieldValue, Finding } from './types.js';

/** Elements that run script, load documents or change how the page resolves URLs. */
const DANGEROUS_TAGS = new Set([
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'meta',
  'link',
  'isindex',
  'import',
  'bgsound',
  'layer',
  'ilayer',
  'portal',
  'xss',
  'handler',
  'listener',
  'vmlframe',
]);
/** Rich-text elements that user content legitimately carries (with href/class/title attributes). */
const FORMATTING_TAGS = new Set([
  'a',
  'b',
  'i',
  'u',
  's',
  'p',
  'em',
  'strong',
  'span',
  'div',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'code',
  'pre',
  'blockquote',
  'small',
  'sub',
  'sup',
  'table',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'abbr',
  'cite',
  'q',
  'mark',
  'del',
  'ins',
  'dl',
  'dt',
  'dd',
  'font',
  'label',
  'option',
  'select',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'figure',
  'caption',
]);
/** Elements that are inert alone but appear in most XSS vectors: a signal, not a finding. */
const WEAK_TAGS = new Set([
  'svg',
  'math',
  'style',
  'xml',
  'animate',
  'set',
  'template',
  'noscript',
  'xmp',
  'plaintext',
  'form',
  'input',
  'textarea',
  'button',
  'img',
  'image',
  'video',
  'audio',
  'body',
  'marquee',
]);
/** Elements that are harmless alone but carry URLs: a script URL in them is XSS. */
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'background',
  'dynsrc',
  'lowsrc',
  'xlink:href',
  'poster',
  'codebase',
  'content',
  'to',
  'from',
  'values',
  'by',
  'srcdoc',
  'style',
  'datasrc',
]);

const SCRIPT_URL =
  /(?:java|vb|live)script:|data:(?:text\/html|image\/svg|application\/(?:x-)?(?:javascript|ecmascript|xhtml))|-moz-binding|expression\(|behavior:|url\(['"]?(?:java|vb)script/;
const SINK =
  /\b(?:alert|prompt|confirm|eval|settimeout|setinterval|fromcharcode|atob|write|writeln|execscript|import|btoa|structuredclone)\s*(?:\([^)]|\(\)|`)|\bnew\s+function\s*\(|\.(?:call|apply)\s*`|\$\{\s*(?:alert|prompt|confirm|eval|navigation|document|window|top)\b|\b(?:document\.(?:cookie|domain|write|location|body|forms|queryselector|getelementby|createelement)|window\.(?:location|open|name)|(?:top|self|parent)\.location|location\.(?:href|hash|replace)|\.innerhtml|\.outerhtml|\.textcontent\s*=|\.src\s*=|onerror\s*=|constructor\s*\()/;

interface Hit {
  score: number;
  rule: string;
  at: number;
}

/** Remove characters browsers skip inside scheme names (`java\tscript:`, `jav&#x09;ascript:`). */

const SQUEEZE = /[\x00-\x20]+/g;

function scanTags(v: string, hit: (s: number, r: string, at: number) => void): void {
  const n = v.length;
  let i = v.indexOf('<');
  let tags = 0;
  while (i >= 0 && i < n && tags < 64) {
    let j = i + 1;
    const closing = v.charCodeAt(j) === 47; // '</x>'
    if (closing || v.charCodeAt(j) === 63) j++; // '/' or '?' (`<?import>` IE namespace import)
    const nameStart = j;
    while (j < n) {
      const c = v.charCodeAt(j);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 58 || c === 45 || c === 95) j++;
      else break;
    }
    const name = v.slice(nameStart, j);
    const first = name.charCodeAt(0);
    if (name.length > 0 && first >= 97 && first <= 122) {
      tags++;
      // closing tags other than </script> add nothing: `<svg></svg>` is one element
      if (name === 'script') hit(1, 'xss.script-tag', i);
      else if (!closing && DANGEROUS_TAGS.has(name)) hit(0.8, 'xss.dangerous-tag', i);
      else if (!closing && WEAK_TAGS.has(name)) hit(0.4, 'xss.dangerous-tag', i);
      // any start tag that carries an attribute is HTML injection, whatever the element
      if (
        !closing &&
        v.charCodeAt(i + 1) !== 63 &&
        !FORMATTING_TAGS.has(name) &&
        /^[\s/]+[a-z]/.test(v.slice(j, j + 8))
      )
        hit(0.6, 'xss.html-injection', i);
      // attributes until '>' (or end of value: a payload need not close its tag)
      const end = v.indexOf('>', j);
      const stop = Math.min(end < 0 ? n : end, j + 1024);
      let k = j;
      while (k < stop) {
        const c = v.charCodeAt(k);
        // attribute names are separated by whitespace, '/', quotes
        if (c <= 32 || c === 47 || c === 34 || c === 39) {
          k++;
          continue;
        }
        const an = k;
        while (k < stop) {
          const d = v.charCodeAt(k);
          if (d <= 32 || d === 61 || d === 47 || d === 62) break;
          k++;
        }
        const attr = v.slice(an, k);
        let m = k;
        while (m < stop && v.charCodeAt(m) <= 32) m++;
        if (v.charCodeAt(m) === 61) {
          // value
          m++;
          while (m < stop && v.charCodeAt(m) <= 32) m++;
          const q = v.charCodeAt(m);
          let ve: number;
          if (q === 34 || q === 39 || q === 96) {
            const close = v.indexOf(String.fromCharCode(q), m + 1);
            ve = close < 0 ? n : close;
            m++;
          } else {
            ve = m;
            while (ve < n && v.charCodeAt(ve) > 32 && v.charCodeAt(ve) !== 62) ve++;
          }
          const val = v.slice(m, Math.min(ve, m + 2048));
          if (attr.length >= 5 && attr.length <= 48 && attr.startsWith('on'))
            hit(1, 'xss.event-handler', an);
          else if (URL_ATTRS.has(attr) && SCRIPT_URL.test(val.replace(SQUEEZE, '')))
            hit(1, 'xss.script-url', an);
          k = Math.max(ve + 1, k + 1);
        } else if (attr.length >= 5 && attr.startsWith('on') && attr.charCodeAt(2) >= 97) {
          // `<body onload>` without a value is inert, but with `=` later in odd syntax browsers vary
          hit(0.5, 'xss.event-handler', an);
        }
      }
      i = v.indexOf('<', j);
    } else {
      i = v.indexOf('<', i + 1);
    }
  }
}

/** Event handler injected into an existing tag: `" onmouseover=alert(1)`, `'/onfocus='x'`. */
function scanHandlers(v: string, hit: (s: number, r: string, at: number) => void): void {
  let i = v.indexOf('on');
  let seen = 0;
  while (i >= 0 && seen < 64) {
    seen++;
    const p = i === 0 ? 32 : v.charCodeAt(i - 1);
    // boundary before: start, whitespace, quote, slash, ';'
    if (p <= 32 || p === 34 || p === 39 || p === 47 || p === 59 || p === 96) {
      let j = i + 2;
      while (j < v.length) {
        const c = v.charCodeAt(j);
        if (c >= 97 && c <= 122) j++;
        else break;
      }
      if (j - i >= 5 && j - i <= 48) {
        let k = j;
        while (k < v.length && v.charCodeAt(k) <= 32) k++;
        if (v.charCodeAt(k) === 61) {
          const rest = v.slice(k + 1, k + 200);
          if (/[(`]|javascript:|\.location|\.cookie/.test(rest)) hit(0.9, 'xss.event-handler', i);
          else if (p === 34 || p === 39 || p <= 32) hit(0.6, 'xss.event-handler', i);
        }
      }
    }
    i = v.indexOf('on', i + 2);
  }
}

const PREFILTER = /[<(`=]|script:|-moz-binding|behavior:|document\.|window\.|\.location/;

/** XSS detector: emits at most one finding per field. */
export const detectXss: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  if (!PREFILTER.test(v)) return;
  let best: Hit = { score: 0, rule: '', at: 0 };
  let extra = 0;
  const hit = (score: number, rule: string, at: number): void => {
    if (score > best.score) {
      extra += best.score * 0.3;
      best = { score, rule, at };
    } else extra += score * 0.3;
  };
  if (v.indexOf('<') >= 0) scanTags(v, hit);
  if (best.score < 1 && v.indexOf('on') >= 0 && v.indexOf('=') >= 0) scanHandlers(v, hit);
  // attribute injection after a quote: `' formaction=`, `" srcdoc=`
  const ai =
    /['"]\s{0,8}(?:formaction|srcdoc|xlink:href|autofocus\s{1,8}on[a-z]{3,20})\s{0,8}=/.exec(v);
  if (ai) hit(0.6, 'xss.event-handler', ai.index);
  if (best.score < 1) {
    const squeezed = v.indexOf(':') >= 0 || v.indexOf('(') >= 0 ? v.replace(SQUEEZE, '') : '';
    const m = SCRIPT_URL.exec(squeezed);
    if (m) {
      // a scheme at the start of the value or right after a quote/'=' is a URL context
      const before = squeezed.charCodeAt(m.index - 1);
      const atStart =
        m.index === 0 || before === 34 || before === 39 || before === 61 || before === 40;
      hit(m[0].endsWith(':') && !atStart ? 0.7 : 0.9, 'xss.script-url', 0);
    }
    const s = SINK.exec(v);
    if (s) {
      const broken = /['"]\s*[>);]|-->|<\//.test(v);
      hit(broken ? 0.9 : 0.6, 'xss.js-sink', s.index);
    }
  }
  const score = Math.min(1, best.score + extra);
  if (score >= 0.6) {
    out.push({
      class: 'xss',
      rule: best.rule,
      field: f.field,
      excerpt: excerptAround(v, best.at),
      score: round(score),
    });
  }
};
