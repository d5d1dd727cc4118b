/**
 * Path traversal and local file inclusion. The value is normalized the way file APIs see it
 * (backslash = slash, `0x2e`/`0x2f` hex spellings, duplicate slashes), then we count `..` steps
 * (including filter-evasion forms such as `....//` and Tomcat's `..;/`) and look for references to
 * files an application never serves (OS account files, process info, secrets, VCS metadata).
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import type { Detector, FieldValue, Finding } from './types.js';

/** Files and directories whose mention in a request is an LFI probe (CRS 930120 / lfi-os-files.data idea, our own list). */
const SENSITIVE =
  /\/etc\/(?:passwd|shadow|group|gshadow|hosts|hostname|issue|motd|master\.passwd|sudoers|crontab|fstab|mtab|profile|resolv\.conf|security\/|ssh\/|httpd\/|apache2?\/|nginx\/|mysql\/|php\d?\/|redis\/|pwd\.db|spwd\.db|environment|network\/|init\.d\/|cron\.|ld\.so|os-release|lsb-release|inittab|aliases|exports|samba\/|tomcat)|\/proc\/(?:self|\d+|sys|net|thread-self)\/|(?:^|[\s'"=:;|&])\/sys\/(?:class|kernel|devices|module|firmware|power|block|bus|fs)\b|(?:^|[\s'"=:;|&<>])\/(?:etc|proc)\/[a-z]|\/proc\/(?:version|cpuinfo|meminfo|mounts|net\/|sched_debug)|\/var\/(?:log|mail|spool|run\/secrets|lib\/mysql|www\/\.)|\/root\/|\/home\/[^/]{1,64}\/\.|\/usr\/local\/(?:apache|etc|nginx)|\/opt\/lampp|(?:boot|win|system)\.ini\b|(?:^|\/)php\.ini|\betc\/(?:passwd|shadow|hosts|issue|group)\b|\/windows\/|\/winnt\/|system32|inetpub|\/repair\/(?:sam|system)|\.htaccess|\.htpasswd|web\.config|wp-config|(?:^|\/)\.(?:env|git\/|svn\/|hg\/|bzr\/|ssh\/|aws\/|docker|npmrc|bash_history|bashrc|profile|history|mysql_history|ds_store|idea\/|vscode\/|kube\/|netrc|pgpass|gitconfig|git-credentials)|id_(?:rsa|dsa|ecdsa|ed25519)|authorized_keys|known_hosts|(?:^|\/)(?:config|database|settings|parameters|secrets?|credentials?)\.(?:ya?ml|json|ini|xml|conf)\b|\/(?:web-inf|meta-inf)\/|server-status|(?:^|\/)(?:access|error)[._]log\b|(?:^|\/)(?:dev\/(?:null|tcp|fd))|c:\/(?:windows|winnt|boot|inetpub|users|documents|program)/;

/** PHP filter chains and stream wrappers that read local files (CVE-2021-3129-style chains, php://filter). */
const PHP_FILTER =
  /convert\.(?:iconv|base64-(?:en|de)code|quoted-printable)|string\.(?:rot13|toupper|tolower)|zlib\.(?:in|de)flate/;

/** Count `..` path steps in a normalized (forward-slash) path. */
function dotdotSteps(p: string): number {
  let steps = 0;
  let i = p.indexOf('..');
  while (i >= 0) {
    let j = i;
    while (j < p.length && p.charCodeAt(j) === 46) j++;
    const before = i === 0 ? 47 : p.charCodeAt(i - 1);
    const after = j >= p.length ? 47 : p.charCodeAt(j);
    // `..` bounded by a separator (or the start/end), `..;` (Tomcat path parameter), `..\0`
    if (
      (before === 47 || before === 59 || before === 61 || before <= 32) &&
      (after === 47 || after === 59 || after === 0 || j >= p.length)
    )
      steps++;
    i = p.indexOf('..', j);
  }
  return steps;
}

export function normalizePath(v: string): string {
  let p = v;
  if (p.indexOf('\\') >= 0) p = p.replace(/\\/g, '/');
  if (p.indexOf('0x') >= 0) p = p.replace(/0x2e/g, '.').replace(/0x2f|0x5c/g, '/');
  // `..2f..2f` / `..5c`: hex digits of an escape whose `%` a filter stripped
  if (p.indexOf('..2f') >= 0 || p.indexOf('..5c') >= 0) p = p.replace(/\.\.(?:2f|5c)/g, '../');
  // `....//` collapses to `../` after a naive filter removes `../`; read it as what it aims at.
  if (p.indexOf('//') >= 0) p = p.replace(/\/{2,}/g, '/');
  return p;
}

const PREFILTER = /[./\\]|0x2e|0x2f|0x5c/;

/** Path traversal / LFI detector. */
export const detectTraversal: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  if (!PREFILTER.test(v)) return;
  const p = normalizePath(v);
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
  const steps = dotdotSteps(p);
  if (steps >= 2) hit(1, 'path_traversal.dotdot', p.indexOf('..'));
  else if (steps === 1)
    hit(f.kind === 'path' ? 0.8 : 0.6, 'path_traversal.dotdot', p.indexOf('..'));
  // `..` followed by junk separators, repeated: `..%01%uf025..%01%uf025`, `..\u00ff..\u00ff` (dotdotpwn-style)
  if (steps < 2 && /(?:\.\.[^a-z0-9.\s]{1,4}){3}/.test(p))
    hit(0.8, 'path_traversal.dotdot', p.indexOf('..'));
  if (f.kind !== 'path') {
    // an absolute path to a system directory or a drive as the whole value
    const a =
      /^\s*(?:\/(?:etc|var|usr|proc|sys|root|boot|dev|lib|lib64|opt|srv|tmp|bin|sbin)\/[a-z0-9_.-]|[a-z]:[\\/](?:[a-z0-9_$.-]{1,64}[\\/])*[a-z0-9_$.-]{1,64}\.[a-z]{2,4}\s*$|[a-z]:\/(?:windows|winnt|users|boot|inetpub|program|xampp|wamp))|(?:^|\/)\.[a-z]{2,}(?:rc|_history|authority|profile|passwd|credentials)\b/.exec(
        p,
      );
    if (a) hit(0.7, 'path_traversal.absolute-path', a.index);
  }
  // evasion padding: runs of `./` or of dots after a slash (`/./././`, `/.......`)
  if (/(?:\.\/){4}|\/\.{3,}/.test(p)) hit(0.7, 'path_traversal.dot-padding', 0);
  const s = SENSITIVE.exec(p);
  if (s) hit(f.kind === 'path' ? 0.8 : 1, 'path_traversal.sensitive-file', s.index);
  if (f.kind === 'path') {
    // a hidden file or directory segment (`/.env`, `/.git/config`, `/.claude/settings.json`);
    // `/.well-known/` is the one registry of public dot paths (RFC 8615).
    const h = /\/\.[a-z0-9_]/.exec(p);
    if (h && !p.startsWith('/.well-known/', h.index) && p.indexOf('/.well-known/') !== h.index)
      hit(0.7, 'path_traversal.hidden-file', h.index);
  }
  if (f.kind === 'path') {
    // backups, dumps and server/framework logs fetched directly: exposure probing (no
    // application serves these). Not any `.log`: sites publish sample and changelog files under
    // that extension (the Elastic example access log has 24 clients fetching /misc/sample.log).
    const b =
      /\.(?:sql|bak|old|orig|swp|sav|backup|dump|sqlite3?|db|mdb)(?:\.(?:zip|gz|tgz|tar|7z|rar|bz2|xz))?$|(?:^|\/)(?:[\w-]*error[\w-]*|access|debug|install|laravel|php_?errors?|npm-debug|yarn-error|ws_ftp|production|development|dev|prod|app|application|server|system|sql|mysql|db|database|wp-debug|audit|auth|secure|messages|syslog|cron|mail)\.log$|~$/i.exec(
        p,
      );
    if (b) hit(0.7, 'path_traversal.backup-file', b.index);
  }
  if (p.indexOf('\0') > 0 && /[\w/]\0/.test(p))
    hit(0.6, 'path_traversal.null-byte', p.indexOf('\0'));
  if (/(?:^|[\s"'=])file:/.test(p)) hit(0.8, 'path_traversal.file-url', p.indexOf('file:'));
  const pf = PHP_FILTER.exec(p);
  if (pf) hit(0.8, 'path_traversal.php-filter-chain', pf.index);
  if (score >= 0.6) {
    out.push({
      class: 'path_traversal',
      rule,
      field: f.field,
      excerpt: excerptAround(p, at),
      score: round(score),
    });
  }
};
