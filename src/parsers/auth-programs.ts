/**
 * Semantics of the other authentication programs that write to auth.log / secure: PAM
 * (`pam_unix(service:type): ...` and the old `prog(pam_unix)[pid]:` form), sudo, su, and the
 * mail daemons' SASL/IMAP failures. Convention: `user.name` is the account whose credentials
 * were checked (for su that is the target, `root`); the requesting user goes to attributes.
 */
import type { ParsedEvent } from './types.js';

type Attrs = Record<string, unknown>;
const attrs = (ev: ParsedEvent): Attrs => (ev.attributes ??= {});

interface PamKv {
  user: string | undefined;
  rhost: string | undefined;
  ruser: string | undefined;
  logname: string | undefined;
  tty: string | undefined;
}

/**
 * The keys applyPam reads of `logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root`
 * (space-separated `key=value` tokens; the last one of a key wins; empty values kept). Scanned
 * by hand, without splitting or slicing the keys nobody reads (bench/parse.mjs, auth.log).
 */
export function pamKv(s: string): PamKv {
  const out: PamKv = {
    user: undefined,
    rhost: undefined,
    ruser: undefined,
    logname: undefined,
    tty: undefined,
  };
  const n = s.length;
  let a = 0;
  while (a < n) {
    let b = s.indexOf(' ', a);
    if (b < 0) b = n;
    // token s[a..b): its key ends at its first '='
    if (b > a) {
      if (s.startsWith('user=', a)) out.user = s.slice(a + 5, b);
      else if (s.startsWith('rhost=', a)) out.rhost = s.slice(a + 6, b);
      else if (s.startsWith('ruser=', a)) out.ruser = s.slice(a + 6, b);
      else if (s.startsWith('logname=', a)) out.logname = s.slice(a + 8, b);
      else if (s.startsWith('tty=', a)) out.tty = s.slice(a + 4, b);
    }
    a = b + 1;
  }
  return out;
}

function loginFail(ev: ParsedEvent, reason: string, user: string | undefined): void {
  ev['event.name'] = 'authn_login_fail';
  ev['event.outcome'] = 'failure';
  ev['event.reason'] = reason;
  if (user) ev['user.name'] = user;
}

/**
 * A PAM module message. `service` is the PAM service (`sshd`, `su`, `sudo`, `webui`...) when known.
 * Returns true when recognized.
 */
export function applyPam(ev: ParsedEvent, service: string | undefined, msg: string): boolean {
  if (service !== undefined) attrs(ev)['pam.service'] = service;
  if (msg.startsWith('authentication failure;')) {
    const kv = pamKv(msg.slice(23));
    loginFail(ev, 'pam_authentication_failure', kv.user);
    if (kv.rhost) ev['client.address'] = kv.rhost;
    if (kv.ruser) attrs(ev)['pam.ruser'] = kv.ruser;
    if (kv.logname) attrs(ev)['pam.logname'] = kv.logname;
    if (kv.tty) attrs(ev)['pam.tty'] = kv.tty;
    ev['event.action'] = service === undefined ? 'login' : `${service}_login`;
    return true;
  }
  if (msg.startsWith('session opened for user ')) {
    const m =
      /^session opened for user ([^\s(]+)(?:\(uid=\d+\))?(?: by ([^\s(]*)\(uid=(\d+)\))?/.exec(msg);
    ev['event.name'] = 'session_created';
    ev['event.outcome'] = 'success';
    if (m) {
      ev['user.name'] = m[1];
      if (m[2]) attrs(ev)['session.by'] = m[2];
      if (m[3] !== undefined) attrs(ev)['session.by_uid'] = Number(m[3]);
    }
    return true;
  }
  if (msg.startsWith('session closed for user ')) {
    ev['event.name'] = 'session_expired';
    ev['event.outcome'] = 'success';
    ev['event.reason'] = 'logout';
    const u = /^session closed for user ([^\s(]+)/.exec(msg);
    if (u) ev['user.name'] = u[1];
    return true;
  }
  if (msg.startsWith('check pass; user unknown')) {
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'unknown_user';
    return true;
  }
  return false;
}

/** `  alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home ; USER=root ; COMMAND=/bin/ls` */
export function applySudo(ev: ParsedEvent, message: string): boolean {
  const msg = message.trimStart();
  const pam = /^pam_unix\((\w[\w-]*):(\w+)\): (.*)$/.exec(msg);
  if (pam) return applyPam(ev, pam[1], pam[3]!);
  const colon = msg.indexOf(' : ');
  if (colon <= 0) return false;
  const user = msg.slice(0, colon);
  let rest = msg.slice(colon + 3);
  const ci = rest.indexOf('COMMAND=');
  let command: string | undefined;
  if (ci >= 0) {
    command = rest.slice(ci + 8);
    rest = rest.slice(0, ci);
  }
  const kv: Record<string, string> = {};
  const notes: string[] = [];
  for (const part of rest.split(' ; ')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq > 0 && /^[A-Z_]+$/.test(p.slice(0, eq))) kv[p.slice(0, eq)] = p.slice(eq + 1);
    else notes.push(p);
  }
  if (command === undefined && kv.TTY === undefined && notes.length === 0) return false;
  const a = attrs(ev);
  ev['event.action'] = 'sudo';
  ev['user.name'] = user;
  if (command !== undefined) a['sudo.command'] = command;
  if (kv.USER !== undefined) a['sudo.run_as'] = kv.USER;
  if (kv.TTY !== undefined) a['sudo.tty'] = kv.TTY;
  if (kv.PWD !== undefined) a['sudo.pwd'] = kv.PWD;
  const note = notes.join('; ');
  if (note === '') {
    ev['event.name'] = 'authz_admin';
    ev['event.outcome'] = 'success';
    return true;
  }
  a['sudo.message'] = note;
  const m = /(\d+) incorrect password attempts?/.exec(note);
  if (m || note.includes('authentication failure')) {
    loginFail(ev, 'incorrect_password', user);
    if (m) a['sudo.failed_attempts'] = Number(m[1]);
    return true;
  }
  ev['event.name'] = 'authz_fail';
  ev['event.outcome'] = 'failure';
  ev['event.reason'] = note.includes('NOT in sudoers')
    ? 'not_in_sudoers'
    : note.includes('password is required')
      ? 'password_required'
      : note.includes('command not allowed')
        ? 'command_not_allowed'
        : note.replace(/\s+/g, '_').toLowerCase();
  return true;
}

/** su: `(to root) alice on pts/0`, `Successful su for root by alice`, `FAILED su for root by alice`, `+ pts/0 alice:root`. */
export function applySu(ev: ParsedEvent, msg: string): boolean {
  const pam = /^pam_unix\((\w[\w-]*):(\w+)\): (.*)$/.exec(msg);
  if (pam) return applyPam(ev, pam[1], pam[3]!);
  let m = /^\(to (\S+)\) (\S+) on (\S+)/.exec(msg);
  let ok = true;
  let target: string | undefined;
  let from: string | undefined;
  let tty: string | undefined;
  if (m) [, target, from, tty] = m;
  else if ((m = /^(Successful|FAILED) su for (\S+) by (\S+)/.exec(msg))) {
    ok = m[1] === 'Successful';
    target = m[2];
    from = m[3];
  } else if ((m = /^([+-]) (\S+) ([^:\s]+):(\S+)/.exec(msg))) {
    ok = m[1] === '+';
    tty = m[2];
    from = m[3];
    target = m[4];
  } else if (msg.startsWith('pam_authenticate: ')) {
    loginFail(ev, 'pam_authentication_failure', undefined);
    ev['event.action'] = 'su';
    return true;
  } else return false;
  ev['event.action'] = 'su';
  if (ok) {
    ev['event.name'] = 'authn_login_success';
    ev['event.outcome'] = 'success';
    ev['user.name'] = target;
  } else loginFail(ev, 'wrong_password', target);
  if (from) attrs(ev)['su.from_user'] = from;
  if (tty) attrs(ev)['su.tty'] = tty;
  return true;
}

/** postfix SASL and dovecot login failures (both are counted by fail2ban's default jails). */
export function applyMail(ev: ParsedEvent, program: string, msg: string): boolean {
  let m = /^warning: ([^[\s]*)\[([^\]]+)\]: SASL (\S+) authentication failed/.exec(msg);
  if (m && program.startsWith('postfix')) {
    loginFail(ev, 'sasl_authentication_failed', undefined);
    ev['client.address'] = m[2];
    attrs(ev)['auth.method'] = m[3];
    const u = /sasl_username=(\S+)/.exec(msg);
    if (u) ev['user.name'] = u[1];
    return true;
  }
  m =
    /^(\w+)-login: (?:Disconnected|Aborted login) \(auth failed, (\d+) attempts?[^)]*\): (.*)$/.exec(
      msg,
    );
  if (m && program === 'dovecot') {
    const kv: Record<string, string> = {};
    for (const x of m[3]!.matchAll(/(\w+)=<?([^>,\s]*)>?/g)) kv[x[1]!] = x[2]!;
    loginFail(ev, 'wrong_password', kv.user);
    if (kv.rip) ev['client.address'] = kv.rip;
    attrs(ev)['auth.attempts'] = Number(m[2]);
    attrs(ev)['auth.protocol'] = m[1];
    if (kv.method) attrs(ev)['auth.method'] = kv.method;
    return true;
  }
  return false;
}
