/**
 * OS command injection: a shell metacharacter that starts a new command (`;`, `|`, `&`, newline,
 * backtick, `$(`) followed by a command word, after undoing the shell's own obfuscations
 * (`c'a't`, `c\at`, `$IFS`, `/bi[n]/sh`, `$@`). Command words that are also English words
 * (`time`, `set`, `find`, `more`) need shell-looking arguments before they count.
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import type { Detector, FieldValue, Finding } from './types.js';

/** Commands an attacker runs first: recon, download, shells, interpreters (Unix and Windows). */
const STRONG = new Set([
  'id',
  'whoami',
  'uname',
  'cat',
  'ls',
  'wget',
  'curl',
  'nc',
  'ncat',
  'netcat',
  'bash',
  'sh',
  'zsh',
  'ksh',
  'csh',
  'tcsh',
  'dash',
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'php',
  'lua',
  'node',
  'ping',
  'nslookup',
  'dig',
  'host',
  'sleep',
  'chmod',
  'chown',
  'rm',
  'cp',
  'mv',
  'touch',
  'ifconfig',
  'ipconfig',
  'netstat',
  'systeminfo',
  'tasklist',
  'taskkill',
  'hostname',
  'passwd',
  'sudo',
  'su',
  'base64',
  'nohup',
  'crontab',
  'mkfifo',
  'telnet',
  'tftp',
  'ftp',
  'powershell',
  'pwsh',
  'cmd',
  'certutil',
  'bitsadmin',
  'wmic',
  'regedit',
  'reg',
  'net',
  'net1',
  'dir',
  'xterm',
  'socat',
  'busybox',
  'uptime',
  'pwd',
  'env',
  'printenv',
  'useradd',
  'adduser',
  'usermod',
  'killall',
  'pkill',
  'ps',
  'lsof',
  'awk',
  'gawk',
  'sed',
  'xargs',
  'grep',
  'egrep',
  'head',
  'tail',
  'tac',
  'nl',
  'od',
  'xxd',
  'hexdump',
  'strings',
  'tar',
  'zip',
  'unzip',
  'gzip',
  'scp',
  'ssh',
  'rsync',
  'chattr',
  'lsattr',
  'mknod',
  'iptables',
  'shutdown',
  'reboot',
  'halt',
  'init',
  'systemctl',
  'service',
  'mshta',
  'rundll32',
  'regsvr32',
  'cscript',
  'wscript',
  'schtasks',
  'at',
  'whoami.exe',
  'cmd.exe',
  'powershell.exe',
  'getent',
  'ldd',
  'nmap',
  'openssl',
  'timeout',
  'exec',
  'eval',
  'echo',
  'printf',
  'expr',
  'chef-run',
  'gcc',
  'cc',
  'make',
  'java',
  'jrunscript',
  'tclsh',
  'ifdown',
  'ifup',
  'route',
  'arp',
  'traceroute',
  'tracert',
  'finger',
  'w',
  'who',
  'last',
  'lastlog',
  'kill',
  'cut',
  'rev',
  'dd',
  'tee',
  'mail',
  'sendmail',
  'ssh-keygen',
  'diff',
  'file',
  'stat',
  'locate',
  'which',
  'whereis',
  'vi',
  'vim',
  'nano',
  'ed',
  'less',
  'more',
  'sort',
  'uniq',
  'wc',
  'date',
  'time',
  'set',
  'type',
  'find',
  'ver',
  'vol',
  'copy',
  'del',
  'erase',
  'move',
  'ren',
  'start',
  'call',
  'for',
  'if',
  'tree',
  'attrib',
  'icacls',
  'cacls',
  'fsutil',
  'sc',
  'query',
  'runas',
  'explorer',
  'notepad',
  'calc',
  'mkdir',
  'rmdir',
  'cd',
  'export',
  'source',
  'alias',
  'unset',
  'shopt',
  'history',
  'jobs',
  'wait',
  'test',
  'true',
  'false',
  'yes',
  'seq',
  'getfacl',
]);
/** Command words that are ordinary English or programming words: only with shell-like arguments. */
const AMBIGUOUS = new Set([
  'time',
  'set',
  'type',
  'find',
  'more',
  'less',
  'sort',
  'date',
  'kill',
  'net',
  'at',
  'echo',
  'head',
  'tail',
  'file',
  'stat',
  'test',
  'true',
  'false',
  'yes',
  'start',
  'call',
  'for',
  'if',
  'tree',
  'query',
  'move',
  'copy',
  'del',
  'ver',
  'vol',
  'which',
  'w',
  'who',
  'last',
  'cut',
  'diff',
  'source',
  'export',
  'alias',
  'history',
  'jobs',
  'wait',
  'service',
  'init',
  'host',
  'make',
  'mail',
  'route',
  'finger',
  'cd',
  'sc',
  'ed',
  'dd',
  'cc',
  'nl',
  'od',
  'rev',
  'tee',
  'wc',
  'env',
  'dir',
  'reg',
  'ping',
  'sleep',
  'exec',
  'eval',
  'printf',
  'expr',
  'uniq',
  'seq',
  'calc',
  'explorer',
  'notepad',
  'mkdir',
  'ps',
  'id',
  'su',
  'ls',
  'cat',
  'node',
  'java',
  'sh',
  'unset',
  'timeout',
]);

/** Undo shell quoting/escaping/IFS tricks; `[n]` single-character classes become the character. */
function deobfuscate(v: string): string {
  let s = v;
  if (s.indexOf('$') >= 0)
    s = s.replace(/\$\{ifs\}|\$ifs(?:\$\d)?|\$\{?[@*]\}?|\$\d/g, (m) =>
      m.indexOf('ifs') >= 0 ? ' ' : '',
    );
  if (/['"\\^]/.test(s))
    s = s
      .replace(/(?<=[a-z0-9/.])(?:''|""|\\|\^)(?=[a-z0-9/.])/g, '')
      .replace(/(?<=[a-z/])['"](?=[a-z])/g, '');
  if (s.indexOf('[') >= 0) s = s.replace(/\[([a-z0-9])\]/g, '$1');
  return s;
}

/** Does the text after a command word look like shell arguments? */
function shellArgs(rest: string): boolean {
  // end of value, another separator, an option, a path, a redirect, a variable, a Windows drive
  return /^\s*(?:$|[;|&`)\n<>]|-{1,2}[a-z0-9]|[/~.][a-z0-9_.*?-]|\$|%[a-z]|[a-z]:[\\/]|['"][^'"]{0,64}['"]\s*(?:$|[;|&]))/.test(
    rest,
  );
}

const SEPARATOR = /[;|&`\n\r]|\$\(|\(|\{|\|\||&&/g;

/** Command-injection detector. */
export const detectCommandInjection: Detector = (f: FieldValue, out: Finding[]) => {
  const raw = f.value;
  if (!/[;|&`$\n\r(/\\{]|^\s*[a-z]/.test(raw)) return;
  const v = deobfuscate(raw);
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
  if (/\$\{ifs\}|\$ifs\b/.test(raw)) hit(1, 'command_injection.ifs', raw.indexOf('$'));
  // command positions: after a separator, and the start of the value
  const positions: Array<[number, boolean]> = [[0, false]];
  SEPARATOR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = SEPARATOR.exec(v)) !== null && guard++ < 128)
    positions.push([m.index + m[0].length, true]);
  for (const [pos, afterSep] of positions) {
    let i = pos;
    while (
      i < v.length &&
      (v.charCodeAt(i) <= 32 || v.charCodeAt(i) === 40 || v.charCodeAt(i) === 123)
    )
      i++;
    let j = i;
    while (j < v.length && j - i < 96) {
      const c = v.charCodeAt(j);
      if (
        (c >= 97 && c <= 122) ||
        (c >= 48 && c <= 57) ||
        c === 47 ||
        c === 46 ||
        c === 95 ||
        c === 45 ||
        c === 92 ||
        c === 58 ||
        c === 63 ||
        c === 42
      )
        j++;
      else break;
    }
    if (j === i) continue;
    const word = v.slice(i, j).replace(/\\/g, '/');
    const slash = word.lastIndexOf('/');
    const base = slash >= 0 ? word.slice(slash + 1) : word;
    const viaPath = /^(?:\/usr)?(?:\/local)?\/s?bin\/|^c:\/windows\/system32\//.test(word);
    const rest = v.slice(j, j + 128);
    if (viaPath && base.length > 0) {
      hit(0.9, 'command_injection.binary-path', i);
      continue;
    }
    // glob-obfuscated paths: /???/??t, /bin/c?t
    if (/^\/[a-z?*]{1,4}\/[a-z?*]*[?*][a-z?*]*$/.test(word) && /[?*]/.test(word)) {
      hit(0.9, 'command_injection.glob-path', i);
      continue;
    }
    if (!STRONG.has(base)) continue;
    const args = shellArgs(rest);
    if (afterSep) {
      if (!AMBIGUOUS.has(base) || args)
        hit(AMBIGUOUS.has(base) ? 0.8 : 1, 'command_injection.separator-command', i);
    } else if (args && rest.trim().length > 0 && !AMBIGUOUS.has(base)) {
      // a value that *is* a command line: `cat /etc/passwd`, `wget http://x/s.sh`
      hit(0.7, 'command_injection.command-line', i);
    } else if (args && /^\s+(?:-{1,2}[a-z]|\/[a-z]|[a-z]:[\\/])/.test(rest)) {
      hit(0.6, 'command_injection.command-line', i);
    }
  }
  // Windows: `cmd /c`, `powershell -enc`, `for /f ... do`, `%comspec%`
  const w =
    /\bcmd(?:\.exe)?\s+\/[ck]\b|\bpowershell(?:\.exe)?\s+-|\bfor\s+\/[dflr]\b[^\n]{0,200}\bdo\b|%comspec%|%systemroot%/.exec(
      v,
    );
  if (w) hit(0.9, 'command_injection.windows-shell', w.index);
  // command substitution with any content `$(...)`, `` `...` ``
  const sub = /\$\([a-z]|`[a-z][^`]{0,200}`/.exec(v);
  if (sub) hit(0.6, 'command_injection.substitution', sub.index);
  if (score >= 0.6)
    out.push({
      class: 'command_injection',
      rule,
      field: f.field,
      excerpt: excerptAround(v, at),
      score: round(score),
    });
};
