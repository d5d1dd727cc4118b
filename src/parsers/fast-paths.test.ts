/**
 * The hand-written scanners of the hot parser paths against the regexes and splits they
 * replaced (kept here as oracles), on sshd's real wording and on random strings built from the
 * characters that matter to them.
 */
import { describe, expect, it } from 'vitest';
import { pamKv } from './auth-programs.js';
import { fromTail } from './sshd.js';
import { pamPrefixEnd } from './syslog.js';
import { mulberry32 } from '../../test/helpers/prng.js';

const FROM_TAIL =
  /^ from (\S+)(?: port (\d+))?(?: on \S+ port \d+)?(?: ssh2?)?(?:[:,] .*)?(?: \[preauth\])?$/;
function oldFromTail(msg: string): [string, string, string | undefined] | null {
  const i = msg.lastIndexOf(' from ');
  if (i < 0) return null;
  const m = FROM_TAIL.exec(msg.slice(i));
  if (m === null) return null;
  return [msg.slice(0, i), m[1]!.replace(/[:,]$/, ''), m[2]];
}

function oldPamKv(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of s.split(' ')) {
    const eq = tok.indexOf('=');
    if (eq > 0) out[tok.slice(0, eq)] = tok.slice(eq + 1);
  }
  return out;
}

const PAM_PREFIX = /^pam_unix\(([\w.-]+):(\w+)\): /;

function randomFrom(parts: readonly string[], n: number, r: () => number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += parts[Math.floor(r() * parts.length)];
  return s;
}

describe('parser fast paths', () => {
  it('fromTail gives what the FROM_TAIL regex gives', () => {
    const fixed = [
      'Invalid user ubuntu from 183.142.186.60 port 6135',
      'Failed password for invalid user admin from 98.30.216.144 port 5339 ssh2',
      'Accepted publickey for carol from 10.0.0.234 port 61787 ssh2: ED25519 SHA256:Nzc0',
      'Failed password for root from 2001:db8::1 port 22 ssh2',
      'Invalid user x from 1.2.3.4 from 10.0.0.1 port 1',
      'Failed password for x from 1.2.3.4: port 1',
      'Failed password for x from 1.2.3.4, port 1 ssh2',
      'Failed password for x from 1.2.3.4 port  ssh2',
      'Failed password for x from 1.2.3.4 port 12 ssh',
      'Failed password for x from 1.2.3.4 port 12 ssh2 [preauth]',
      'Failed password for x from 1.2.3.4\tx port 12',
      'Failed password for x from 1.2.3.4\u00a0x port 12',
      'Failed password for x from é port 12',
      'maximum authentication attempts exceeded for root from 1.2.3.4 port 22 ssh2 [preauth]',
      'x from  port 1',
      'x from',
    ];
    for (const m of fixed) expect(fromTail(m), m).toEqual(oldFromTail(m));
    const r = mulberry32(5);
    const parts = [
      ' from ',
      ' port ',
      ' ssh2',
      ' ssh',
      '1',
      '23',
      ':',
      ',',
      ' ',
      'a',
      '\t',
      '\u00a0',
      'é',
      ' [preauth]',
      ' on h port 2',
    ];
    for (let k = 0; k < 20000; k++) {
      const m = randomFrom(parts, 1 + Math.floor(r() * 9), r);
      expect(fromTail(m), JSON.stringify(m)).toEqual(oldFromTail(m));
    }
  });

  it('pamKv reads what splitting the tokens read', () => {
    const keys = ['user', 'rhost', 'ruser', 'logname', 'tty'] as const;
    const pick = (o: Record<string, string | undefined>): unknown[] => keys.map((k) => o[k]);
    const fixed = [
      ' logname= uid=0 euid=0 tty=ssh ruser= rhost=213.80.215.97  user=root',
      'user=a user=b',
      'user==x tty=a=b',
      '=x user',
      'xuser=1 rhost=',
      '',
    ];
    for (const s of fixed) expect(pick({ ...pamKv(s) }), s).toEqual(pick(oldPamKv(s)));
    const r = mulberry32(9);
    const parts = ['user', 'rhost', 'ruser', 'logname', 'tty', 'uid', '=', ' ', '  ', 'x', '1.2'];
    for (let k = 0; k < 20000; k++) {
      const s = randomFrom(parts, Math.floor(r() * 12), r);
      expect(pick({ ...pamKv(s) }), JSON.stringify(s)).toEqual(pick(oldPamKv(s)));
    }
  });

  it('pamPrefixEnd ends where PAM_PREFIX matched', () => {
    const fixed = [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0',
      'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
      'pam_unix(sudo-i.x:session): y',
      'pam_unix(:auth): y',
      'pam_unix(sshd:): y',
      'pam_unix(sshd:auth):y',
      'pam_unix(ss hd:auth): y',
      'pam_unix(sshd:au-th): y',
      'pam_unix(sshd',
    ];
    const old = (m: string): [number, string | undefined] => {
      const x = PAM_PREFIX.exec(m);
      return x === null ? [-1, undefined] : [x[0].length, x[1]];
    };
    const now = (m: string): [number, string | undefined] => {
      const e = pamPrefixEnd(m);
      return e < 0 ? [-1, undefined] : [e, m.slice(9, m.indexOf(':', 9))];
    };
    for (const m of fixed) expect(now(m), m).toEqual(old(m));
    const r = mulberry32(3);
    const parts = ['pam_unix(', 'sshd', ':', 'auth', ')', ': ', '.', '-', ' ', 'é', '_', '9'];
    for (let k = 0; k < 20000; k++) {
      const m = 'pam_unix(' + randomFrom(parts, Math.floor(r() * 8), r);
      expect(now(m), JSON.stringify(m)).toEqual(old(m));
    }
  });
});
