/**
 * A throwaway self-signed certificate for TLS tests (openssl from the machine). Returns the
 * file paths, or undefined when openssl is not there — the caller skips, saying why.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

export function makeSelfSignedCert(
  dir: string,
  opts: { san?: string } = {},
): CertFiles | undefined {
  const files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        files.key,
        '-out',
        files.cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        ...(opts.san ? ['-addext', `subjectAltName=${opts.san}`] : []),
      ],
      { stdio: 'ignore' },
    );
    return files;
  } catch {
    return undefined;
  }
}
