/**
 * OpenSSH server messages (auth.c, sshd.c, packet.c wording from OpenSSH 3.x to 9.x) mapped
 * onto the OWASP Logging Vocabulary. Addresses are read from the *right* end of a message:
 * user names are attacker-chosen (`Invalid user x from 1.2.3.4 from 10.0.0.1`), the address
 * sshd appends is not.
 *
 * Custom event names (not in the vocabulary), listed in {@link SSHD_CUSTOM_EVENTS}:
 * `ssh_preauth_disconnect` (a connection ended before authentication: scans, probes, timeouts)
 * and `ssh_reverse_mapping_fail` (sshd's "POSSIBLE BREAK-IN ATTEMPT" DNS mismatch).
 */
import { isIpAddress } from './fields.js';
import type { ParsedEvent } from './types.js';

export const SSHD_CUSTOM_EVENTS = {
  ssh_preauth_disconnect: { category: 'authn', level: 'INFO' },
  ssh_reverse_mapping_fail: { category: 'authn', level: 'WARN' },
} as const;

type Attrs = Record<string, unknown>;

const MAX_SSHD_MESSAGE = 4096;

function attrs(ev: ParsedEvent): Attrs {
  return (ev.attributes ??= {});
}

function setClient(ev: ParsedEvent, host: string | undefined, port?: string): void {
  if (host === undefined || host === '') return;
  ev['client.address'] = host;
  if (port !== undefined) {
    const n = Number(port);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) ev['client.port'] = n;
  }
}

// The address is one token (IPv6 has colons, so no lazy `\S+?` followed by `:`); what sshd adds
// after it is ` port N`, ` ssh2`, `: key info` or ` [preauth]`.
const FROM_TAIL =
  /^ from (\S+)(?: port (\d+))?(?: on \S+ port \d+)?(?: ssh2?)?(?:[:,] .*)?(?: \[preauth\])?$/;

/** True when s[from..to) is printable ASCII without spaces (so `\S+` matches all of it). */
function printableAscii(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** The last ` from ADDR [port N]...` of a message: [text before, addr, port]. */
export function fromTail(msg: string): [string, string, string | undefined] | null {
  const i = msg.lastIndexOf(' from ');
  if (i < 0) return null;
  // sshd's usual tails, ` from ADDR port N` and ` from ADDR port N ssh2`, read by hand; FROM_TAIL
  // gives the same for them (bench/parse.mjs, auth.log), and reads every other tail.
  const a = i + 6;
  const sp = msg.indexOf(' ', a);
  if (sp > a && msg.startsWith(' port ', sp) && printableAscii(msg, a, sp)) {
    let e = sp + 6;
    while (e < msg.length && msg.charCodeAt(e) >= 48 && msg.charCodeAt(e) <= 57) e++;
    if (e > sp + 6 && (e === msg.length || (e + 5 === msg.length && msg.endsWith(' ssh2')))) {
      const last = msg.charCodeAt(sp - 1);
      const addr = msg.slice(a, last === 58 || last === 44 ? sp - 1 : sp); // a trailing : or ,
      return [msg.slice(0, i), addr, msg.slice(sp + 6, e)];
    }
  }
  const m = FROM_TAIL.exec(msg.slice(i));
  if (m === null) return null;
  return [msg.slice(0, i), m[1]!.replace(/[:,]$/, ''), m[2]];
}

/** `... USER ADDR port N[ [preauth]]` (Connection closed by / Disconnected from forms). */
const USER_ADDR_PORT = /^(.*?) ?(\S+) port (\d+)(?::.*?)?( \[preauth\])?$/;

// Hoisted so that the hot path allocates nothing per line (bench/parse.mjs, auth.log).
const CLOSE_FORMS = [
  ['Connection closed by ', 'closed'],
  ['Connection reset by ', 'reset'],
  ['Disconnected from ', 'disconnected'],
  ['Disconnecting ', 'disconnecting'],
] as const;
const PREAUTH_FORMS = [
  [/^Timeout before authentication for (\S+)(?: port (\d+))?/, 'login_timeout'],
  [/^Unable to negotiate with (\S+) port (\d+):/, 'negotiation_failed'],
  [
    /^ssh_dispatch_run_fatal: Connection from (?:(?:authenticating|invalid) user \S+ )?(\S+) port (\d+):/,
    'protocol_error',
  ],
  [/^banner exchange: Connection from (\S+) port (\d+):/, 'bad_banner'],
] as const;
const NOISE_PREFIX = /^(?:error|fatal|warning): /;

function fail(ev: ParsedEvent, reason: string, user: string | undefined): void {
  ev['event.name'] = 'authn_login_fail';
  ev['event.outcome'] = 'failure';
  ev['event.reason'] = reason;
  if (user !== undefined && user !== '') ev['user.name'] = user;
}

function preauth(ev: ParsedEvent, reason: string): void {
  ev['event.name'] = 'ssh_preauth_disconnect';
  ev['event.outcome'] = 'failure';
  ev['event.reason'] = reason;
}

function methodReason(method: string): string {
  if (method === 'password' || method.startsWith('keyboard-interactive')) return 'wrong_password';
  if (method === 'publickey') return 'publickey_rejected';
  return `method_${method.replace(/[^a-z0-9]+/gi, '_')}`;
}

/**
 * Classify one sshd message (the text after `sshd[pid]: `), filling `ev`. Returns true when the
 * message was recognized (the event stays a plain `log` otherwise, with the client when one shows).
 */
export function applySshd(ev: ParsedEvent, message: string): boolean {
  // sshd caps what it logs (user names at 100 chars); a longer message is not sshd's own wording
  // and is not fed to the regexes below (they stay linear only on bounded input).
  if (message.length > MAX_SSHD_MESSAGE) return false;
  let msg = message;
  const c0 = msg.charCodeAt(0);
  if (c0 === 101 || c0 === 102 || c0 === 119) msg = msg.replace(NOISE_PREFIX, ''); // e/f/w
  ev['event.action'] = 'ssh_login';

  if (msg.startsWith('message repeated ')) {
    const m = /^message repeated (\d+) times: \[ ?(.*?)\]?$/.exec(msg);
    if (m) {
      attrs(ev)['repeat.count'] = Number(m[1]);
      return applySshd(ev, m[2]!);
    }
  }
  if (msg.startsWith('Failed ') || msg.startsWith('Accepted ')) {
    const ok = msg.charCodeAt(0) === 65;
    const sp = msg.indexOf(' for ', 7);
    const t = fromTail(msg);
    if (sp > 0 && t !== null) {
      const method = msg.slice(ok ? 9 : 7, sp);
      let user = t[0].slice(sp + 5);
      const invalid = user.startsWith('invalid user ');
      if (invalid) user = user.slice(13);
      attrs(ev)['auth.method'] = method;
      setClient(ev, t[1], t[2]);
      if (ok) {
        ev['event.name'] = 'authn_login_success';
        ev['event.outcome'] = 'success';
        if (user !== '') ev['user.name'] = user;
      } else fail(ev, invalid ? 'invalid_user' : methodReason(method), user);
      return true;
    }
  }
  if (msg.startsWith('Invalid user ') || msg.startsWith('Illegal user ')) {
    const t = fromTail(msg);
    if (t !== null) {
      fail(ev, 'invalid_user', t[0].slice(13));
      setClient(ev, t[1], t[2]);
      return true;
    }
  }
  if (msg.startsWith('input_userauth_request: invalid user ')) {
    // the user starts at 37, after `input_userauth_request: invalid user ` (it was read from 38,
    // which dropped the first letter of every such user name)
    const u = msg.slice(37).replace(/ \[preauth\]$/, '');
    if (u !== '') ev['user.name'] = u;
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'invalid_user';
    return true;
  }
  for (const [prefix, closedWord] of CLOSE_FORMS) {
    if (!msg.startsWith(prefix)) continue;
    const rest = msg.slice(prefix.length);
    const m = USER_ADDR_PORT.exec(rest) ?? /^()(\S+)()( \[preauth\])?$/.exec(rest);
    if (m === null) break;
    const who = m[1] ?? '';
    setClient(ev, m[2], m[3] === '' ? undefined : m[3]);
    if (rest.includes('Too many authentication failures')) {
      ev['event.name'] = 'authn_login_fail_max';
      ev['event.outcome'] = 'failure';
      ev['event.reason'] = 'too_many_authentication_failures';
      const u = who.replace(/^(authenticating|invalid) user /, '');
      if (u !== '') ev['user.name'] = u;
      return true;
    }
    if (who.startsWith('authenticating user '))
      fail(ev, `${closedWord}_during_auth`, who.slice(20));
    else if (who.startsWith('invalid user ')) fail(ev, 'invalid_user', who.slice(13));
    else if (who.startsWith('user ')) {
      ev['user.name'] = who.slice(5);
      ev['event.reason'] = `connection_${closedWord}`;
    } else if (m[4] !== undefined) preauth(ev, `connection_${closedWord}`);
    else ev['event.reason'] = `connection_${closedWord}`;
    return true;
  }
  if (msg.startsWith('Disconnecting: Too many authentication failures')) {
    ev['event.name'] = 'authn_login_fail_max';
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'too_many_authentication_failures';
    const m = / for (?:invalid user )?(.+?)(?: \[preauth\])?$/.exec(msg);
    if (m) ev['user.name'] = m[1];
    return true;
  }
  if (msg.startsWith('maximum authentication attempts exceeded for ')) {
    const t = fromTail(msg);
    ev['event.name'] = 'authn_login_fail_max';
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'max_auth_attempts_exceeded';
    if (t !== null) {
      const u = t[0].slice(45).replace(/^invalid user /, '');
      if (u !== '') ev['user.name'] = u;
      setClient(ev, t[1], t[2]);
    }
    return true;
  }
  if (msg.startsWith('Received disconnect from ')) {
    // New form `from ADDR port N:11: ...`; old form `from ADDR: 11: ...` (ADDR may be IPv6).
    const m =
      /^Received disconnect from (\S+) port (\d+):/.exec(msg) ??
      /^Received disconnect from (\S+?)()(?:: \d+:|$)/.exec(msg);
    if (m) {
      setClient(ev, m[1], m[2] === '' ? undefined : m[2]);
      if (msg.endsWith('[preauth]')) preauth(ev, 'client_disconnect');
      else ev['event.reason'] = 'client_disconnect';
      return true;
    }
  }
  if (msg.startsWith('Did not receive identification string from ')) {
    const m = /^Did not receive identification string from (\S+)(?: port (\d+))?/.exec(msg);
    setClient(ev, m?.[1], m?.[2]);
    preauth(ev, 'no_identification_string');
    return true;
  }
  if (msg.startsWith('Bad protocol version identification ')) {
    const t = fromTail(msg);
    if (t !== null) setClient(ev, t[1], t[2]);
    preauth(ev, 'bad_protocol_version');
    return true;
  }
  if (msg.startsWith('scanned from ')) {
    const m = /^scanned from (\S+) with (\S+?)\.? /.exec(msg);
    ev['event.name'] = 'malicious_attack_tool';
    ev['event.outcome'] = 'unknown';
    if (m) {
      setClient(ev, m[1]);
      attrs(ev).toolname = m[2];
    }
    return true;
  }
  if (msg.includes('POSSIBLE BREAK-IN ATTEMPT')) {
    ev['event.name'] = 'ssh_reverse_mapping_fail';
    ev['event.outcome'] = 'unknown';
    ev['event.reason'] = 'reverse_mapping_mismatch';
    const m = /\[([0-9a-fA-F.:]+)\]/.exec(msg) ?? /^Address (\S+) maps to/.exec(msg);
    if (m) setClient(ev, m[1]);
    const h = /getaddrinfo for (\S+)/.exec(msg) ?? / maps to ([^,\s]+)/.exec(msg);
    if (h) attrs(ev)['client.domain'] = h[1];
    return true;
  }
  for (const [re, reason] of PREAUTH_FORMS) {
    const m = re.exec(msg);
    if (m) {
      setClient(ev, m[1], m[2]);
      preauth(ev, reason);
      return true;
    }
  }
  if (msg.startsWith('User ') && msg.includes(' not allowed because ')) {
    const m = /^User (.+?) from (\S+) not allowed because (.*)$/.exec(msg);
    if (m) {
      fail(ev, 'not_allowed', m[1]);
      setClient(ev, m[2]);
      attrs(ev)['sshd.detail'] = m[3];
      return true;
    }
  }
  if (msg.startsWith('PAM ') && msg.includes(' more authentication failure')) {
    const m = /^PAM (\d+) more/.exec(msg);
    const kv = /rhost=(\S*)(?:\s+user=(\S+))?/.exec(msg);
    fail(ev, 'pam_more_failures', kv?.[2]);
    setClient(ev, kv?.[1]);
    if (m) attrs(ev)['pam.more_failures'] = Number(m[1]);
    return true;
  }
  if (msg.startsWith('PAM: Authentication failure for ')) {
    const t = fromTail(msg);
    if (t !== null) {
      fail(ev, 'wrong_password', t[0].slice(32).replace(/^illegal user /, ''));
      setClient(ev, t[1]);
      return true;
    }
  }
  // Anything else: keep it a `log`, but carry the client when sshd names one.
  ev['event.action'] = undefined;
  delete ev['event.action'];
  const t = fromTail(msg);
  if (t !== null && isIpAddress(t[1])) setClient(ev, t[1], t[2]);
  return false;
}
