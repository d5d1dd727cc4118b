#!/usr/bin/env node
// Generates realistic test logs for bench/parse.mjs and the import benchmark (issue 3):
//   node bench/gen-logs.mjs DIR [--lines 1000000] [--seed 42]
// writes DIR/access.log (Apache/nginx combined) and DIR/auth.log (classic syslog auth.log).
// Seeded (mulberry32): the same arguments give byte-identical files. The mix: ordinary browsing
// from a few thousand clients (some IPv6), crawlers, 404 scanners, a SQL-injection tool, login
// brute force, TLS handshakes to the HTTP port; sshd brute force and invalid users from a few
// dozen sources among normal key logins, sessions, sudo and cron.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: node bench/gen-logs.mjs DIR [--lines N] [--seed S]');
  process.exit(64);
}
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const LINES = opt('lines', 1_000_000);
const SEED = opt('seed', 42);
if (!Number.isInteger(LINES) || LINES <= 0) {
  console.error(`--lines must be a positive integer, got ${LINES}`);
  process.exit(64);
}

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const ipv4 = () => `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}`;
const ipv6 = () => `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, w = 2) => String(n).padStart(w, '0');
const clf = (d) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
const sys = (d) =>
  `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

const clients = Array.from({ length: 3000 }, () => (rnd() < 0.1 ? ipv6() : ipv4()));
const scanners = Array.from({ length: 40 }, ipv4);
const bruteHttp = Array.from({ length: 15 }, ipv4);
const pages = [
  '/',
  '/index.html',
  '/products',
  '/products/42',
  '/cart',
  '/checkout',
  '/account',
  '/search',
  '/blog/2026/11/hello-world',
  '/about',
  '/contact',
  '/api/v1/items',
  '/api/v1/items/7',
];
const assets = [
  '/static/app.js',
  '/static/app.css',
  '/static/logo.png',
  '/favicon.ico',
  '/static/fonts/inter.woff2',
];
const probes = [
  '/wp-login.php',
  '/.env',
  '/.git/config',
  '/phpmyadmin/',
  '/admin/',
  '/xmlrpc.php',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd',
  '/server-status',
  '/actuator/env',
];
const uas = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
];
const scannerUas = [
  'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:Port Check)',
  'sqlmap/1.8.11#stable (https://sqlmap.org)',
  'Mozilla/5.0 zgrab/0.x',
  'python-requests/2.32.3',
];

function accessLine(t) {
  const r = rnd();
  const ts = clf(t);
  if (r < 0.04) {
    const ip = pick(scanners);
    return `${ip} - - [${ts}] "GET ${pick(probes)} HTTP/1.1" 404 ${150 + int(400)} "-" "${pick(scannerUas)}"`;
  }
  if (r < 0.05) {
    const ip = pick(scanners);
    const q = pick([
      "id=1'+OR+'1'='1",
      'id=1+UNION+SELECT+NULL,NULL--',
      'q=%3Cscript%3Ealert(1)%3C/script%3E',
      'file=../../../../etc/passwd',
    ]);
    return `${ip} - - [${ts}] "GET /products?${q} HTTP/1.1" ${pick([200, 500, 403])} ${int(5000)} "-" "${scannerUas[1]}"`;
  }
  if (r < 0.065) {
    const ip = pick(bruteHttp);
    return `${ip} - - [${ts}] "POST /login HTTP/1.1" 401 ${60 + int(20)} "https://shop.example.com/login" "${pick(uas)}"`;
  }
  if (r < 0.066)
    return `${pick(scanners)} - - [${ts}] "\\x16\\x03\\x01\\x00\\xa5\\x01\\x00\\x00\\xa1\\x03\\x03" 400 157 "-" "-"`;
  const ip = pick(clients);
  const user = rnd() < 0.05 ? `user${int(500)}` : '-';
  if (rnd() < 0.45)
    return `${ip} - ${user} [${ts}] "GET ${pick(assets)} HTTP/2.0" ${rnd() < 0.3 ? 304 : 200} ${rnd() < 0.3 ? 0 : 1000 + int(200000)} "https://shop.example.com${pick(pages)}" "${pick(uas)}"`;
  const page = pick(pages);
  const query =
    page === '/search'
      ? `?q=${pick(['shoes', 'red+hat', 'gift%20card', 'laptop'])}&page=${1 + int(5)}`
      : '';
  const method = page.startsWith('/api') && rnd() < 0.3 ? 'POST' : 'GET';
  const status = rnd() < 0.02 ? 404 : rnd() < 0.005 ? 500 : 200;
  const ref = rnd() < 0.4 ? '-' : `https://shop.example.com${pick(pages)}`;
  return `${ip} - ${user} [${ts}] "${method} ${page}${query} HTTP/1.1" ${status} ${500 + int(50000)} "${ref}" "${pick(uas)}"`;
}

const users = ['deploy', 'alice', 'bob', 'carol', 'backup'];
const badUsers = [
  'admin',
  'test',
  'oracle',
  'postgres',
  'ubuntu',
  'pi',
  'git',
  'user',
  'support',
  'guest',
  'ftpuser',
  'root',
];
const sshBrute = Array.from({ length: 60 }, ipv4);
let pid = 10000;

function authLine(t) {
  const ts = sys(t);
  const host = 'web1';
  const r = rnd();
  const p = pid++;
  if (pid > 99999) pid = 10000;
  if (r < 0.35) {
    const ip = pick(sshBrute);
    const u = pick(badUsers);
    return u === 'root'
      ? `${ts} ${host} sshd[${p}]: Failed password for root from ${ip} port ${1024 + int(64000)} ssh2`
      : `${ts} ${host} sshd[${p}]: Failed password for invalid user ${u} from ${ip} port ${1024 + int(64000)} ssh2`;
  }
  if (r < 0.47)
    return `${ts} ${host} sshd[${p}]: Invalid user ${pick(badUsers)} from ${pick(sshBrute)} port ${1024 + int(64000)}`;
  if (r < 0.57)
    return `${ts} ${host} sshd[${p}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${pick(sshBrute)}  user=root`;
  if (r < 0.67)
    return `${ts} ${host} sshd[${p}]: Received disconnect from ${pick(sshBrute)} port ${1024 + int(64000)}:11: Bye Bye [preauth]`;
  if (r < 0.72)
    return `${ts} ${host} sshd[${p}]: Connection closed by authenticating user root ${pick(sshBrute)} port ${1024 + int(64000)} [preauth]`;
  if (r < 0.75)
    return `${ts} ${host} sshd[${p}]: Did not receive identification string from ${ipv4()} port ${1024 + int(64000)}`;
  if (r < 0.77)
    return `${ts} ${host} sshd[${p}]: error: maximum authentication attempts exceeded for root from ${pick(sshBrute)} port ${1024 + int(64000)} ssh2 [preauth]`;
  const u = pick(users);
  const src = `10.0.${int(4)}.${1 + int(250)}`;
  if (r < 0.8)
    return `${ts} ${host} sshd[${p}]: Accepted publickey for ${u} from ${src} port ${1024 + int(64000)} ssh2: ED25519 SHA256:${Buffer.from(String(int(1e9))).toString('base64')}`;
  if (r < 0.84)
    return `${ts} ${host} sshd[${p}]: pam_unix(sshd:session): session opened for user ${u}(uid=${1000 + users.indexOf(u)}) by (uid=0)`;
  if (r < 0.88)
    return `${ts} ${host} sshd[${p}]: pam_unix(sshd:session): session closed for user ${u}`;
  if (r < 0.91)
    return `${ts} ${host} sudo:   ${u} : TTY=pts/${int(5)} ; PWD=/home/${u} ; USER=root ; COMMAND=${pick(['/usr/bin/systemctl restart nginx', '/usr/bin/apt-get update', '/bin/journalctl -u app', '/usr/bin/tail -f /var/log/syslog'])}`;
  if (r < 0.915)
    return `${ts} ${host} sudo:   ${u} : 3 incorrect password attempts ; TTY=pts/${int(5)} ; PWD=/home/${u} ; USER=root ; COMMAND=/bin/bash`;
  if (r < 0.92) return `${ts} ${host} su[${p}]: FAILED su for root by ${u}`;
  if (r < 0.96)
    return `${ts} ${host} CRON[${p}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
  return `${ts} ${host} systemd-logind[612]: New session ${int(90000)} of user ${u}.`;
}

async function write(file, gen) {
  const out = createWriteStream(file);
  let t = Date.parse('2026-11-20T00:00:00Z');
  const batch = [];
  for (let i = 0; i < LINES; i++) {
    t += int(40); // ~50 lines per second of log time
    batch.push(gen(new Date(t)));
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
      batch.length = 0;
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
}

mkdirSync(dir, { recursive: true });
const started = Date.now();
await write(path.join(dir, 'access.log'), accessLine);
await write(path.join(dir, 'auth.log'), authLine);
console.log(
  `wrote ${LINES} lines each to ${path.join(dir, 'access.log')} and ${path.join(dir, 'auth.log')} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`,
);
