/**
 * The shipped OWASP rule pack (rules/owasp) loads, and every rule's own test events pass —
 * the same check `logwarden rules test` runs for users who edit the rules.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSigmaDirectory, runRuleTests } from '../../src/detection/sigma/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../rules/owasp');

describe('OWASP rule pack', () => {
  const { rules, errors } = loadSigmaDirectory(dir);

  it('loads every rule without error', () => {
    for (const e of errors) console.error(e);
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(30);
  });

  it('covers what the pack promises', () => {
    const names = new Set(rules.map((r) => r.name));
    for (const n of [
      'lw_bruteforce_user',
      'lw_bruteforce_source',
      'lw_password_spraying',
      'lw_success_after_bruteforce_user',
      'lw_authz_fail_burst_user',
      'lw_404_scanning',
      'lw_input_validation_burst',
      'lw_malicious_event',
      'lw_monitor_disabled',
      'lw_sys_crash',
      'lw_privilege_change',
      'lw_admin_action',
      'lw_token_reuse',
      'lw_session_use_after_expire',
      'lw_sshd_bruteforce',
      'lw_sshd_invalid_user_sweep',
      'lw_sudo_fail_burst',
      'lw_ledger_fork_evidence',
      'lw_loss',
      'lw_sshd_slow_bruteforce',
      'lw_sshd_invalid_user_repeat',
      'lw_sshd_repeated_failures',
      'lw_sshd_max_auth_tries',
      'lw_ssh_preauth_flood',
      'lw_ssh_cve_2024_6387',
      'lw_sensitive_file_probing',
      'lw_http_malformed_flood',
    ])
      expect(names, n).toContain(n);
  });

  it("passes every rule's own test events", () => {
    const results = rules.flatMap((r) => runRuleTests(r, { rules }));
    const failed = results.filter((r) => !r.passed);
    for (const f of failed) console.error(`${f.rule} / ${f.test}: ${f.message}`);
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(failed).toEqual([]);
  });
});
