/**
 * A throw-away self-signed certificate for TLS/WSS tests, made with the `openssl` program (so tests
 * need no checked-in key material). Valid for CN=localhost, 127.0.0.1 and ::1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: Buffer;
  cert: Buffer;
}

/** Generates a fresh RSA-2048 key and a 1-day self-signed certificate with `openssl` at `opensslPath`. */
export function makeSelfSignedCert(opensslPath = 'openssl'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    const r = spawnSync(
      opensslPath,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      ],
      { encoding: 'utf8', timeout: 30000 },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error?.message || 'unknown error'}`);
    return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
