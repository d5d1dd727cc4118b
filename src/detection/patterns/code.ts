/**
 * PHP injection and other server-side code injection (Node.js, prototype pollution, Perl, Ruby,
 * template expressions): cheap keyword checks that need code syntax around the keyword.
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import type { Detector, FieldValue, Finding } from './types.js';

/** PHP functions that execute code or commands, read/write files or decode hidden payloads. */
const PHP_CALL =
  /(?:^|[^a-z0-9_$>.])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|create_function|call_user_func(?:_array)?|preg_replace|base64_decode|str_rot13|gzinflate|gzuncompress|gzdecode|phpinfo|file_get_contents|file_put_contents|fopen|fwrite|fputs|readfile|highlight_file|show_source|include(?:_once)?|require(?:_once)?|unserialize|move_uploaded_file|array_map|usort|ob_start|extract|parse_str|putenv|ini_set|mail|posix_(?:kill|setuid|setsid|getpwuid|mkfifo)|chr|dl|symlink|unlink|copy|rename|var_dump|print_r|escapeshellcmd|hex2bin|urldecode|convert_uudecode|str_replace|strrev|sodium_crypto_\w{1,60}|unpack|pack|get_defined_vars|fsockopen|pfsockopen|stream_socket_client|bzdecompress|assert_options|file_exists|ini_get|getenv|apache_setenv|curl_exec|curl_init|mb_ereg_replace|mb_eregi_replace|proc_nice|proc_terminate|posix_getpwuid|show_source|php_uname|getmypid|gethostbyname)\s*(?:(?:\/\*[^*]{0,64}\*\/|(?:\/\/|#)[^\n]{0,64}\n)\s*)?\((?=.)/;
const PHP_STRONG =
  /^(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|create_function|phpinfo|base64_decode|gzinflate|str_rot13|file_put_contents|file_get_contents|move_uploaded_file|unserialize|highlight_file|show_source)$/;

/** PHP detector. */
export const detectPhp: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  let score = 0;
  let rule = '';
  let at = 0;
  const hit = (s: number, r: string, a: number): void => {
    if (s > score) {
      score = s;
      rule = r;
      at = a;
    } else score = Math.min(1, score + s * 0.3);
  };
  const lt = v.indexOf('<?');
  if (lt >= 0) {
    const m = /<\?(?:\s{0,8}php\s+\S|=\s*[$a-z0-9_"'(]|\s+[a-z$_][^?]{0,100}[;($])/.exec(v);
    if (m) hit(1, 'php_injection.open-tag', m.index);
  }
  // BBCode-style PHP blocks some CMSs evaluate: [php]...[/php], {php}...{/php} (Smarty)
  const bb = /[[{]\/?php[\]}]/.exec(v);
  if (bb) hit(0.8, 'php_injection.open-tag', bb.index);
  if (v.indexOf('$') >= 0) {
    const g =
      /\$(?:_(?:get|post|request|cookie|server|files|env|session)\b|globals\b|http_raw_post_data)/.exec(
        v,
      );
    if (g) hit(0.9, 'php_injection.superglobal', g.index);
    // variable function call: `$f(`, `${$x}[..](`
    const vf = /\$\{?[a-z_][a-z0-9_]{0,40}\}?(?:\[[^\]]{1,64}\])?\s*\(/.exec(v);
    if (vf) hit(0.6, 'php_injection.variable-function', vf.index);
    // variable variables / complex syntax: ${'name'}, {${expr}}
    const vv = /\$\{\s{0,8}['"][a-z_]|\{\$\{/.exec(v);
    if (vv) hit(0.6, 'php_injection.variable-function', vv.index);
  }
  if (v.indexOf('(') >= 0) {
    const c = PHP_CALL.exec(v);
    if (c) {
      const name = (/[a-z_0-9]+(?=\s*(?:\/\*[^*]{0,64}\*\/\s*)?\($)/.exec(c[0]) ?? [''])[0];
      hit(PHP_STRONG.test(name) ? 0.8 : 0.6, 'php_injection.function-call', c.index);
    }
    // string-built callables: ("sys"."tem")(...), (string)"system"(...)
    const sc = /["'][a-z_]{2,30}["']\)?\s*\(|["']\s*\.\s*["'][a-z_]{1,30}["']\s*\.?/.exec(v);
    if (sc && /["'](?:sys|sy|exe|pass|shell|ev|ass)/.test(v))
      hit(0.7, 'php_injection.string-callable', sc.index);
  }
  // serialized object (PHP object injection, CWE-502)
  const so = /\bo:\d{1,4}:"[a-z0-9_\\]{1,128}":\d{1,4}:\{/.exec(v);
  if (so) hit(0.9, 'php_injection.serialized-object', so.index);
  const w =
    /(?:^|[^a-z])(?:php|phar|zip|expect|data|glob|zlib|compress\.zlib|compress\.bzip2|ogg|rar|ssh2\.\w{2,10}):\/\//.exec(
      v,
    );
  if (w) hit(0.8, 'php_injection.stream-wrapper', w.index);
  const d =
    /\b(?:allow_url_include|allow_url_fopen|auto_prepend_file|auto_append_file|disable_functions|open_basedir|safe_mode|extension_dir|include_path|sendmail_path|user_ini\.filename|error_log)\b/.exec(
      v,
    );
  if (d) hit(0.7, 'php_injection.config-directive', d.index);
  if (
    (f.kind === 'header' || f.kind === 'body') &&
    /(?:^|[-_.:])(?:x[-_.])?file[-_]?name(?:$|:)/.test(f.field) &&
    /\.\s{0,4}(?:php\d?|phtml|phar|pht|phps|pgif|inc)(?:$|[\s;."'.])/.test(v)
  )
    hit(0.8, 'php_injection.upload-script', 0);
  if (score >= 0.6)
    out.push({
      class: 'php_injection',
      rule,
      field: f.field,
      excerpt: excerptAround(v, at),
      score: round(score),
    });
};

/** Node.js / JavaScript server-side injection, prototype pollution, Perl and Ruby, template expressions. */
/** Everything detectCode looks for needs one of these. */
const CODE_PREFILTER = /[({[%<@`]|__proto__|prototype|child_process|_\$\$nd_func/;

export const detectCode: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  if (!CODE_PREFILTER.test(v)) return;
  let score = 0;
  let rule = '';
  let at = 0;
  const hit = (s: number, r: string, a: number): void => {
    if (s > score) {
      score = s;
      rule = r;
      at = a;
    }
  };
  const pp =
    /__proto__|constructor\s*(?:\.|\[['"]?)\s*prototype|\bconstructor\s*\.\s*constructor\b|\[\s*['"]?constructor['"]?\s*\]/.exec(
      v,
    );
  if (pp) hit(0.9, 'code_injection.prototype-pollution', pp.index);
  const node =
    /\brequire\s*[([]\s*['"`]?(?:child_process|fs|net|os|vm|http)\b|child_process|process\s*\.\s*(?:mainmodule|binding|env|kill|exit)\b|_\$\$nd_func\$\$_|\bglobal\s*\.\s*process\b|\beval\s*\(\s*(?:atob|buffer|string\.fromcharcode)|new\s+function\s*\(|\brequire\s*\[/.exec(
      v,
    );
  if (node) hit(0.9, 'code_injection.nodejs', node.index);
  const perl =
    /@\{\[|\bqx\s*[{(/|]|\bsystem\s+qq?\s*[{(/|]|\bopen\s*\(\s*[a-z]{1,10}\s*,\s*['"]\s*\|/.exec(v);
  if (perl) hit(0.9, 'code_injection.perl', perl.index);
  const ruby =
    /%x\s*[{([]|\bkernel\s*\.\s*(?:exec|system|spawn|open)|\bio\s*\.\s*popen|\bopen3\b|\.send\s*\(\s*:(?:system|exec|eval)/.exec(
      v,
    );
  if (ruby) hit(0.9, 'code_injection.ruby', ruby.index);
  // template expressions that compute something: {{7*7}}, ${7*7}, #{7*7}, <%= ... %>, {{config}}
  const ssti =
    /\{\{[^{}]{0,80}(?:\*|__class__|__globals__|__subclasses__|config|self\.|request\.|lipsum|cycler|joiner|range\s*\()[^{}]{0,80}\}\}|[$#]\{\s*\d{1,6}\s*[*+]\s*\d{1,6}\s*\}|<%=?[^%]{0,120}[(.`*+][^%]{0,120}%>/.exec(
      v,
    );
  if (ssti) hit(0.7, 'code_injection.template-expression', ssti.index);
  if (score >= 0.6)
    out.push({
      class: 'code_injection',
      rule,
      field: f.field,
      excerpt: excerptAround(v, at),
      score: round(score),
    });
};
