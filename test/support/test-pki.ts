import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why suites that need certificates cannot run here, or undefined when they can. */
export function opensslUnavailableReason(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the openssl command is not installed (the suite generates its own CA and certificates)';
  }
}

/** A certificate and its key, as PEM texts and as the files they were written to. */
export interface IssuedCertificate {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/**
 * A throwaway certificate authority in a private temporary directory, issuing short-lived P-256
 * leaf certificates for tests (valid for both server and client authentication). Every file is
 * removed by {@link TestPki.remove}.
 */
export class TestPki {
  readonly ca: IssuedCertificate;
  private issued = 0;

  private constructor(
    readonly dir: string,
    private readonly name: string,
  ) {
    const certFile = join(dir, `${name}-ca.crt`);
    const keyFile = join(dir, `${name}-ca.key`);
    openssl(
      ['req', '-x509', ...newKey(keyFile), '-out', certFile, '-days', '2', '-subj', `/CN=${name} test CA`],
      ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
    this.ca = { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }

  /** A new CA in a new temporary directory (or in `dir`, which the caller then owns). */
  static create(name = 'seam', dir?: string): TestPki {
    return new TestPki(dir ?? mkdtempSync(join(tmpdir(), 'seam-pki-')), name);
  }

  /**
   * A leaf certificate for `commonName`, naming `names` in its subject alternative names (an IP
   * address becomes an IP SAN, anything else a DNS name).
   */
  issue(commonName: string, names: readonly string[] = [commonName]): IssuedCertificate {
    const base = join(this.dir, `${this.name}-${++this.issued}-${commonName.replace(/[^a-z0-9-]/gi, '_')}`);
    const [keyFile, csrFile, certFile, extFile] = ['.key', '.csr', '.crt', '.ext'].map((suffix) => base + suffix);
    openssl(['req', ...newKey(keyFile), '-out', csrFile, '-subj', `/CN=${commonName}`]);
    const sans = names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
    writeFileSync(
      extFile,
      [
        `subjectAltName=${sans}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth,clientAuth',
      ].join('\n'),
    );
    const signing = [
      '-CA',
      this.ca.certFile,
      '-CAkey',
      this.ca.keyFile,
      '-set_serial',
      String(Date.now() + this.issued),
    ];
    openssl(['x509', '-req', '-in', csrFile, ...signing, '-out', certFile, '-days', '2', '-extfile', extFile]);
    return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }

  /** Deletes the directory and everything in it. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile];
}

function openssl(args: string[], extra: string[] = []): void {
  execFileSync('openssl', [...args, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
}
