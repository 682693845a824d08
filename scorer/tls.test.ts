/**
 * HTTPS for the scorer itself (TLS_CERT_FILE / TLS_KEY_FILE): a real `tidemark serve` with a
 * certificate this test makes with openssl, called with real https requests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN } from './test/app-harness';
import { freePort, useInfluxd } from './test/influxd';
import { loadTls, TlsConfigError } from './tls';

const influxd = useInfluxd();
let dir: string;
const children: ChildProcess[] = [];

/** A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files in `dir`). */
function makeCertificate(name: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=tidemark-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-tls-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cli/main.ts'), 'serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      INFLUX_URL: influxd.current.url,
      TIDEMARK_TOKENS: TOKEN,
      DATA_DIR: join(dir, 'state'),
      LOG_LEVEL: 'info',
      SCORE_WORKERS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function request(
  get: typeof httpsGet | typeof httpGet,
  url: string,
  options: RequestOptions = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, options, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
  });
}

describe('tidemark serve with TLS_CERT_FILE and TLS_KEY_FILE', () => {
  it('answers https with the certificate, refuses plain http, and logs what it serves', async () => {
    const { certFile, keyFile } = makeCertificate('scorer');
    const ca = readFileSync(certFile);
    const port = await freePort();
    const scorer = serve({
      PORT: String(port),
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
      TOKEN_ONLY_ROLE: 'Editor',
    });
    const url = `https://127.0.0.1:${port}`;
    let health: { status: number; body: string } | null = null;
    for (let i = 0; i < 300 && !health; i++) {
      if (scorer.child.exitCode !== null) throw new Error(`the scorer exited: ${scorer.output().stderr}`);
      health = await request(httpsGet, `${url}/healthz`, { ca }).catch(() => null);
      if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(health?.status).toBe(200);

    const models = await request(httpsGet, `${url}/api/v1/models`, {
      ca,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(models).toEqual({ status: 200, body: JSON.stringify({ models: [] }) });
    // The certificate is what a client checks: without trusting it, the handshake fails.
    await expect(request(httpsGet, `${url}/healthz`)).rejects.toThrow(/self-signed|certificate/i);
    // Plain HTTP on the same port gets no answer.
    await expect(request(httpGet, `http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    const lines = scorer
      .output()
      .stdout.split('\n')
      .filter(Boolean)
      .map(
        (line) => JSON.parse(line) as { level: string; msg: string; url?: string; tokenOnlyRole?: string },
      );
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'tidemark scorer listening', url }));
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/TOKEN_ONLY_ROLE/),
        tokenOnlyRole: 'Editor',
      }),
    );
    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
  });

  it('exits 2 naming the variable when a file cannot be read', async () => {
    const { keyFile } = makeCertificate('missing-cert');
    const scorer = serve({
      PORT: String(await freePort()),
      TLS_CERT_FILE: join(dir, 'nope.crt'),
      TLS_KEY_FILE: keyFile,
    });
    expect(await scorer.exited).toBe(2);
    expect(scorer.output().stderr).toMatch(/cannot read TLS_CERT_FILE .*nope\.crt: ENOENT/);
  });
});

describe('loadTls', () => {
  it('refuses a key that is not the certificate’s, without printing the key', async () => {
    const one = makeCertificate('one');
    const two = makeCertificate('two');
    const error = await loadTls({ certFile: one.certFile, keyFile: two.keyFile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsConfigError);
    expect((error as Error).message).toMatch(/cannot be used together/);
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });
});
