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
  'iwr',
  'iex',
  'irm',
  'bcdedit',
  'bcdboot',
  'vssadmin',
  'wevtutil',
  'netsh',
  'diskpart',
  'takeown',
  'cipher',
  'wbadmin',
  'msiexec',
  'ansible',
  'ansible-playbook',
  'ansible-galaxy',
  'ansible-config',
  'ansible-doc',
  'ansible-inventory',
  'ansible-pull',
  'ansible-vault',
  'chef',
  'chef-client',
  'chef-vault',
  'chef-solo',
  'knife',
  'puppet',
  'salt',
  'salt-call',
  'cscli',
  'visudo',
  'kubectl',
  'docker',
  'podman',
  'crictl',
  'aws',
  'gcloud',
  'az',
  'terraform',
  'helm',
  'bsdtar',
  'zstd',
  'xz',
  'bzip2',
  'ssh-keyscan',
  'sqlite3',
  'mysql',
  'psql',
  'mongo',
  'redis-cli',
  'wall',
  'write',
  'command',
  'builtin',
  'watch',
  'nice',
  'strace',
  'doas',
  'setsid',
  'chroot',
  'invoke-expression',
  'invoke-webrequest',
  'invoke-restmethod',
  'invoke-command',
  'start-process',
  'lwp-download',
  'lwp-request',
  'lwp-mirror',
  'sysinfo',
  'll',
  'perf',
  'ltrace',
  'gdb',
  'objdump',
  'readelf',
  'lsblk',
  'lscpu',
  'lsmod',
  'insmod',
  'modprobe',
  'mount',
  'umount',
  'dmesg',
  'journalctl',
  'setfacl',
  'chgrp',
  'readlink',
  'mktemp',
  'shred',
  'base32',
  'gpg',
  'ssh-add',
  'sshpass',
  'sftp',
  'rclone',
  'aria2c',
  'tcpdump',
  'tshark',
  'hping3',
  'proxychains',
  'torsocks',
  'whois',
  'ldapsearch',
  'smbclient',
  'rpcclient',
  'enum4linux',
  'crackmapexec',
  'john',
  'hashcat',
  'msfvenom',
  'msfconsole',
  'searchsploit',
  'aa-disable',
  'aa-complain',
  'aa-teardown',
  'apparmor_parser',
  'setenforce',
  'getenforce',
  'ufw',
  'firewall-cmd',
  'nft',
  'fuser',
  'pgrep',
  'pidof',
  'lsb_release',
  'hostnamectl',
  'userdel',
  'groupadd',
  'chpasswd',
  'chage',
  'pkexec',
  'runuser',
  'update-rc.d',
  'chkconfig',
  'auditctl',
  'apt',
  'apt-get',
  'dpkg',
  'yum',
  'dnf',
  'rpm',
  'apk',
  'pacman',
  'pip',
  'pip3',
  'npm',
  'gem',
  'cpan',
  'composer',
  'cargo',
  'cmake',
  'g++',
  'clang',
  'upx',
  'uuencode',
  'uudecode',
  'zcat',
  'bzcat',
  'xzcat',
  'zgrep',
  '7z',
  'unrar',
  'cpio',
  'gunzip',
  'bunzip2',
  'unxz',
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
  'node',
  'java',
  'unset',
  'timeout',
  'chef',
  'salt',
  'az',
  'write',
  'wall',
  'command',
  'builtin',
  'watch',
  'nice',
  'john',
  'apt',
  'pip',
  'gem',
  'mount',
  'ufw',
]);

/** Commands that run the next word as a command (`time curl ...`, `nohup sh`). */
const PREFIX = new Set([
  'time',
  'nohup',
  'sudo',
  'env',
  'exec',
  'nice',
  'timeout',
  'xargs',
  'strace',
  'watch',
  'command',
  'builtin',
  'doas',
  'setsid',
  'chroot',
  'busybox',
]);

/** Parenthesis depth at `at` (a `;` inside `( ... )` of a User-Agent is a comment separator). */
function parenDepth(v: string, at: number): number {
  let d = 0;
  for (let k = 0; k < at; k++) {
    const c = v.charCodeAt(k);
    if (c === 40) d++;
    else if (c === 41 && d > 0) d--;
  }
  return d;
}

/** Undo shell quoting/escaping/IFS tricks; `[n]` single-character classes become the character. */
function deobfuscate(v: string): string {
  // literal `\n` / `\r` (escaped newlines a later layer expands) are command separators
  let s = v.indexOf('\\') >= 0 ? v.replace(/\\[nr]/g, '\n') : v;
  if (s.indexOf('$') >= 0)
    s = s.replace(/\$\{ifs\}|\$ifs(?:\$\d)?|\$\{?[@*!#?$_-]\}?|\$\d|\$\(\)/g, (m) =>
      m.indexOf('ifs') >= 0 ? ' ' : '',
    );
  // an unset variable inside a word expands to nothing: uname$u, c$x'a't
  if (s.indexOf('$') >= 0) s = s.replace(/(?<=[a-z])\$[a-z_][a-z0-9_]{0,30}\b/g, '');
  // empty substitutions inside a word: pi``ng, pi<()ng
  if (/``|[<>]\(\)/.test(s)) s = s.replace(/``|[<>]\(\)/g, '');
  if (/['"\\^]/.test(s))
    s = s
      .replace(/(?<=[a-z0-9/.])(?:''|""|\\|\^)(?=[a-z0-9/.])/g, '')
      .replace(/(?<=[a-z/])['"](?=[a-z])/g, '');
  if (s.indexOf('[') >= 0) s = s.replace(/\[([a-z0-9])\]/g, '$1');
  return s;
}

/** Does the text after a command word look like shell arguments? */
function shellArgs(rest: string): boolean {
  // another separator, an option, a path, a redirect, a variable, a Windows drive, a quoted word
  return /^\s*(?:[;|&`)\n<>]|-{1,2}[a-z0-9]|[/~.][a-z0-9_.*?-]|\$|%[a-z]|[a-z]:[\\/]|[a-z]{3,6}:\/\/|['"][^'"]{0,64}['"]\s*(?:$|[;|&]))/.test(
    rest,
  );
}

// separators, including a literal `\n` / `\r` (two characters: escaped newlines that a later
// layer such as printf or a JSON/YAML decoder turns into real ones)
const SEPARATOR = /[;|&`\n\r]|\\[nr]|\$\(|[<>]\(|\|\||&&/g;

/** Commands that are also HTTP clients: their name alone is an honest User-Agent. */
const HTTP_CLIENTS = new Set([
  'wget',
  'curl',
  'python',
  'python3',
  'perl',
  'ruby',
  'php',
  'java',
  'node',
  'lwp-request',
  'lwp-download',
  'httpie',
  'powershell',
  'pwsh',
]);

/** Commands whose numeric argument makes them a time-based probe: `sleep 5`, `ping -n 10`. */
const NUMERIC_ARGS = new Set(['sleep', 'ping', 'timeout']);
/** Windows administration commands and the sub-commands an attacker uses. */
const SUBCOMMAND: Readonly<Record<string, RegExp>> = {
  net: /^\s+(?:user|localgroup|group|view|share|use|start|stop|accounts|session|config)\b/,
  reg: /^\s+(?:add|query|delete|save|export|import|load|copy)\b/,
  sc: /^\s+(?:create|config|start|stop|query|delete|qc)\b/,
  which: /^\s+[a-z0-9_.-]{1,32}/,
  whereis: /^\s+[a-z0-9_.-]{1,32}/,
  type: /^\s+[a-z]:[\\/]/,
};
/** Recon commands that are not English words: a value that is exactly one is a probe. */
// `id` on its own is left out (`id;` and `id -u` stay): `?sort=id`, `?orderby=id`, `?lang=id`
// and Google's `hl=id` (Indonesian) are everyday values, and a real Apache log was full of them.
const BARE_PROBE =
  /^\s*(?:['"]\s*)?(?:(?:whoami|uname|ifconfig|ipconfig|systeminfo|tasklist|netstat|sysinfo|getuid|phpversion)(?:\s+-{1,2}[a-z]{1,12})*[\s;]*|id(?:\s+-{1,2}[a-z]{1,12})+[\s;]*|id\s*;[\s;]*)$/;

const REFERER_PARAM = 'http.request.headers.referer:';

/** Does the value start with a known command word? (Cheap: used to route plain values.) */
export function startsWithCommand(v: string): boolean {
  const m = /^\s*([a-z][a-z0-9_.-]{0,31})/.exec(v);
  return m !== null && STRONG.has(m[1] as string);
}
const WORD_CHAR = /[a-z0-9/._\\:?*$=-]/;

/** Examine the command at `pos`: returns [score, rule, index] or undefined. */
function commandAt(
  v: string,
  pos: number,
  afterSep: boolean,
  kind: FieldValue['kind'],
  field: string,
  strongSep = false,
): [number, string, number] | undefined {
  let i = pos;
  let j = i;
  let word = '';
  let prefixed = false;
  for (let step = 0; step < 4; step++) {
    while (
      i < v.length &&
      (v.charCodeAt(i) <= 32 || v.charCodeAt(i) === 40 || v.charCodeAt(i) === 123)
    )
      i++;
    // a quoted command word runs the same: 'cscli', "ls"; a leading quote may close a literal: ' whoami
    const quote = v.charCodeAt(i);
    if (quote === 39 || quote === 34) {
      i++;
      while (i < v.length && v.charCodeAt(i) <= 32) i++;
    }
    j = i;
    while (j < v.length && j - i < 96 && WORD_CHAR.test(v[j] as string)) j++;
    word = v.slice(i, j);
    // skip the closing quote of a quoted command word: 'cscli' alerts
    if ((quote === 39 || quote === 34) && v.charCodeAt(j) === quote) j++;
    // `$a cat x` (an unset variable expands to nothing), `X=1 cmd`, `time cmd`, `nohup cmd`
    const isPrefix = PREFIX.has(word) && /^\s+[a-z/]/.test(v.slice(j, j + 3));
    if (/^\$[a-z_]\w{0,30}$|^[a-z_]\w{0,30}=\S*$/.test(word) || isPrefix) {
      prefixed = prefixed || isPrefix;
      i = j;
      continue;
    }
    break;
  }
  if (j === i) return undefined;
  word = word.replace(/\\/g, '/');
  const slash = word.lastIndexOf('/');
  let base = slash >= 0 ? word.slice(slash + 1) : word;
  // interpreter versions: python3.10, perl5.36
  if (/^(?:python|perl|ruby|php|lua|node|bash)\d/.test(base))
    base = base.replace(/\d+(?:\.\d+)*$/, '');
  if (/^(?:\/usr)?(?:\/local)?\/s?bin\/|^c:\/windows\/system32\//.test(word) && base.length > 0)
    return [0.9, 'command_injection.binary-path', i];
  if (!STRONG.has(base)) return undefined;
  const rest = v.slice(j, j + 128);
  const args = shellArgs(rest);
  const ambiguous = AMBIGUOUS.has(base);
  if (prefixed) return [0.8, 'command_injection.separator-command', i];
  const sub = SUBCOMMAND[base];
  if (sub && sub.test(rest)) {
    // `which curl` only matters when the argument is itself a command
    const argWord = /^\s+([a-z0-9_.-]{1,32})/.exec(rest)?.[1] ?? '';
    if ((base !== 'which' && base !== 'whereis') || STRONG.has(argWord))
      return [afterSep ? 0.9 : 0.7, 'command_injection.command-line', i];
  }
  if (
    NUMERIC_ARGS.has(base) &&
    /^['"]?\s+(?:-[a-z]\s+\d{1,6}\s+)?\d{1,6}(?:\.\d{1,3}){0,3}\s*(?:$|[;|&])/.test(rest)
  )
    return [afterSep ? 0.9 : 0.7, 'command_injection.time-probe', i];
  if (afterSep) {
    if (!ambiguous || args) return [ambiguous ? 0.8 : 1, 'command_injection.separator-command', i];
    // `;env`, `|who`: a value that *starts* with a separator, or a substitution `>(tee log)`
    if (strongSep) return [0.8, 'command_injection.separator-command', i];
    return undefined;
  }
  // a User-Agent without any product/version token that starts with a command and its words
  if (kind === 'ua' && v.indexOf('/') < 0 && /^\s+[a-z]/.test(rest))
    return [0.7, 'command_injection.command-line', i];
  // a User-Agent that is a bare command (`visudo`)
  if (kind === 'ua' && rest.trim() === '' && !ambiguous && !HTTP_CLIENTS.has(base))
    return [0.7, 'command_injection.command-line', i];
  // a User-Agent or Referer that is a command line (`nohup ifconfig`, `ansible all -m ping`)
  if ((kind === 'ua' || field.endsWith('referer')) && /^\s+\S/.test(rest) && !ambiguous)
    return [0.7, 'command_injection.command-line', i];
  // a value that *is* a command line: `cat /etc/passwd`, `wget http://x/s.sh`, `env --version`
  if (args && !ambiguous) return [0.7, 'command_injection.command-line', i];
  if (args && /^\s+(?:-{1,2}[a-z]|\/[a-z]|[a-z]:[\\/])/.test(rest))
    return [0.6, 'command_injection.command-line', i];
  return undefined;
}

/** Extra syntax checks: each [regex, score, rule]. All bounded, no nested quantifiers. */
const SYNTAX: ReadonlyArray<[RegExp, number, string]> = [
  // Windows: `cmd /c`, `powershell -enc`, `for /f ... do`, `%comspec%`
  [
    /\bcmd(?:\.exe)?\s+\/[ck]\b|\bpowershell(?:\.exe)?\s+-|\bfor\s+\/[dflr]\b[^\n]{0,200}\bdo\b|%comspec%|%systemroot%/,
    0.9,
    'command_injection.windows-shell',
  ],
  // FOR %x IN (...) DO, IF [NOT] EXIST/DEFINED/ERRORLEVEL, IF a EQU b, IF a==b
  [
    /\bfor\s+(?:\/[dflr]\s+)?%%?\S{1,32}\s+in\s*\(|\bif\s*(?:\/i\s+)?(?:not\s+)?(?:exist|defined|errorlevel|cmdextversion)\b|\bif\s*(?:\/i\s+)?(?:not\s+)?\S{1,64}\s+(?:equ|neq|lss|leq|gtr|geq)\s+\S|\bif(?:\s*\/i)?\s+(?:not\s+)?(?:"[^"]{0,64}"|\S{1,64})\s*==\s*\S/,
    0.8,
    'command_injection.windows-shell',
  ],
  // PowerShell cmdlets that download or execute
  [
    /\b(?:invoke-(?:webrequest|expression|restmethod|command|item|wmimethod)|new-object\s+net\.webclient|downloadstring|downloadfile|start-process|set-executionpolicy)\b/,
    0.9,
    'command_injection.powershell',
  ],
  // reverse shells and `sh -c`
  [
    /\/dev\/(?:tcp|udp)\/|\b(?:nc|ncat|netcat)\b[^;|&\n]{0,100}\s-[ec]\s|\b(?:ba|z|k|da|tc|c)?sh\s+-c\b|\$\{?shell\}?\s+-c\b/,
    0.9,
    'command_injection.shell-exec',
  ],
  // shell function definition / Shellshock `() {`, fork bomb `:(){ :|:& };:`
  [/\(\)\s*\{/, 0.9, 'command_injection.shell-function'],
  // mail protocol commands after CRLF (SMTP/POP3/IMAP command injection)
  [
    /[\r\n][ \t]{0,8}(?:ehlo|helo|mail\s+from|rcpt\s+to|data|retr|list|top|auth|apop|user|pass|stat|dele|uidl|quit|help|noop|rset|vrfy|expn|starttls|capa|select|examine|fetch|login|[a-z0-9]{1,8}\s+(?:login|select|fetch|capability|logout))\b/,
    0.8,
    'command_injection.mail-command',
  ],
  // a shell command passed to an exec-like call: system('id'), exec("sleep 5"), os.system('ls')
  [
    /\b(?:system|exec|eval|shell_exec|passthru|popen|proc_open|pcntl_exec|spawn|execsync|execfile|os\.system|os\.popen|subprocess\.\w{2,12}|getruntime\(\)\.exec)\s{0,8}\(\s{0,8}['"`]\s{0,8}(?:\/[a-z]|[a-z]{2,16}\b)/,
    0.8,
    'command_injection.exec-call',
  ],
  // server-side include exec: <!--#exec cmd="..." -->
  [/<!--\s{0,8}#\s{0,8}exec\s{1,8}(?:cmd|cgi)\s{0,8}=/, 1, 'command_injection.ssi-exec'],
  // writing a script file through a redirect: echo "<?php ..." > cmd.php
  [
    />\s{0,8}[a-z0-9_./-]{1,64}\.(?:php\d?|phtml|jsp|jspx|asp|aspx|sh|py|pl|cgi|war)\b/,
    0.8,
    'command_injection.redirect-write',
  ],
  // dd reading or writing files, bash arithmetic/legacy expansions $(( )) and $[ ]
  [/\bdd\s+(?:if|of)=|\$\(\(|\$\[/, 0.7, 'command_injection.substitution'],
  // registry hive paths used with reg.exe
  [
    /\bhk(?:lm|cu|cr|u|cc)\\|\bhkey_(?:local_machine|current_user|classes_root|users)\b/,
    0.6,
    'command_injection.windows-shell',
  ],
  // command substitution with any content `$(...)`, `` `...` ``
  [/\$\([a-z]|`[a-z][^`]{0,200}`/, 0.6, 'command_injection.substitution'],
];

/** Command-injection detector. */
export const detectCommandInjection: Detector = (f: FieldValue, out: Finding[]) => {
  const raw = f.value;
  // (a quote may be followed by spaces, as BARE_PROBE allows: `' whoami`)
  if (!/[;|&`$\n\r(/\\{%~]|^\s*['"]?\s*[a-z]/.test(raw)) return;
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
  // not in the Referer's own parameters: those are the referring site's (`q=whoami` there is
  // someone's search that led to this page), an attacker's Referer payload is the whole value
  if (BARE_PROBE.test(v) && !f.field.startsWith(REFERER_PARAM))
    hit(0.6, 'command_injection.bare-command', 0);
  // a value that is only a Bash tilde-prefix (directory stack) expansion: ~+, ~-, ~+2, ~0
  if (/^\s*~[+-]?\d{0,2}\s*$/.test(v) && v.trim().length > 1)
    hit(0.6, 'command_injection.tilde-expansion', 0);
  // command positions: the start of the value and after each separator
  const first = commandAt(v, 0, false, f.kind, f.field);
  if (first) hit(...first);
  SEPARATOR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = SEPARATOR.exec(v)) !== null && guard++ < 128) {
    // in a User-Agent `;` and `(` are ordinary product-comment syntax (RFC 9110 §10.1.5)
    if (f.kind === 'ua' && (m[0] === ';' || m[0] === '&') && parenDepth(v, m.index) > 0) continue;
    const strongSep = v.slice(0, m.index).trim() === '' || m[0] === '`' || m[0].endsWith('(');
    const r = commandAt(v, m.index + m[0].length, true, f.kind, f.field, strongSep);
    if (r) hit(...r);
  }
  // Bash brace expansion {cmd,arg}: the first non-empty item is a command
  const br =
    /\{(?:,([a-z/?*.$'"]{1,32})(?:,[^{}\s]{0,200})?|([a-z/?*.$'"]{1,32}),[^{}\s]{0,200})\}/.exec(v);
  if (br) {
    const w = (br[1] ?? br[2] ?? '').replace(/^\$?['"]|['"]$/g, '');
    if (STRONG.has(w.slice(w.lastIndexOf('/') + 1)) || /[?*]/.test(w))
      hit(0.9, 'command_injection.brace-expansion', br.index);
  }
  // glob/bracket-obfuscated absolute paths: /[e]tc/pas[s]wd, /usr/[a-z]in/bash, /???/??t
  // (a URL query `?` is followed by `name=`; a glob `?` by more name characters and a `/` or the end)
  const gp =
    /(?:^|[\s;|&=,{'"])\/[^\s]{0,64}?(?:[a-z]\[[!^]?[a-z0-9/?-]{1,8}\]|\[[!^]?[a-z0-9/?-]{1,8}\][a-z]|(?:[a-z]\?|\?[a-z?])[a-z?]{0,16}(?:\/|$|[\s,}]))/.exec(
      raw,
    );
  if (gp) hit(0.8, 'command_injection.glob-path', gp.index);
  for (const [re, s, r] of SYNTAX) {
    const x = re.exec(v);
    if (x) hit(s, r, x.index);
  }
  if (score >= 0.6)
    out.push({
      class: 'command_injection',
      rule,
      field: f.field,
      excerpt: excerptAround(v, at),
      score: round(score),
    });
};
