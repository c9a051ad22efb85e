import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away self-signed certificate for 127.0.0.1, made with the `openssl` CLI, so the client-reuse
 * benchmark can include the TLS handshake every new client pays against the real (HTTPS) endpoint.
 * Undefined when openssl is missing: the benchmark then reports plain HTTP only.
 */
export function selfSignedCertificate(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'socketpost-bench-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` with certificate checks off, for the loopback self-signed server only. The messenger builds its
 * own agents and takes no CA option, and Node 20 reads NODE_EXTRA_CA_CERTS only at start-up.
 */
export async function withoutCertificateChecks<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const silence = (warning: Error) => warning.message.includes('NODE_TLS_REJECT_UNAUTHORIZED');
  const originalEmit = process.emitWarning;
  // Node warns once that checks are off; here that is the point, so keep the table clean.
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const error = typeof warning === 'string' ? new Error(warning) : warning;
    if (!silence(error)) (originalEmit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
    process.emitWarning = originalEmit;
  }
}
