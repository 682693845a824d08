import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

/** Why the scorer cannot serve HTTPS with the configured files; names the variables, never the key. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

async function read(path: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new TlsConfigError(
      `cannot read ${variable} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

/** The PEM certificate (chain) and key for HTTPS, checked to belong together before the server starts. */
export async function loadTls(files: TlsFiles): Promise<{ cert: Buffer; key: Buffer }> {
  const [cert, key] = await Promise.all([
    read(files.certFile, 'TLS_CERT_FILE'),
    read(files.keyFile, 'TLS_KEY_FILE'),
  ]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsConfigError(
      `TLS_CERT_FILE and TLS_KEY_FILE cannot be used together (${(error as Error).message}): give a PEM certificate and its unencrypted PEM private key`,
    );
  }
  return { cert, key };
}
