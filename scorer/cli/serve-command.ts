import { OrgAccessFileError } from '../access/org-access-file';
import { RedisUnavailableError } from '../cluster/errors';
import { loadConfigOrExit } from '../config';
import { ProvisioningError } from '../continuous/provisioning';
import { startServer } from '../serve';
import { TlsConfigError } from '../tls';

export const SERVE_HELP = `Usage: tidemark serve

Starts the scoring service. Configuration comes from environment variables (see docs/api.md):
PORT, HOST, TLS_CERT_FILE/TLS_KEY_FILE (HTTPS), INFLUX_URL, INFLUX_TOKEN or INFLUX_USERNAME/INFLUX_PASSWORD, TIDEMARK_TOKENS,
GRAFANA_URL, REQUIRE_ID_TOKEN, TOKEN_ONLY_ROLE, DATA_DIR, DETECTORS_FILE, MAINTENANCE_FILE, ORG_ACCESS_FILE, REDIS_URL and
REPLICA_ID (scale-out), limits and LOG_LEVEL.`;

/** `tidemark serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serveCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  const config = loadConfigOrExit();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    if (
      error instanceof ProvisioningError ||
      error instanceof OrgAccessFileError ||
      error instanceof TlsConfigError
    ) {
      process.stderr.write(`tidemark: ${error.message}\n`);
      return 2;
    }
    if (error instanceof RedisUnavailableError) {
      process.stderr.write(
        `tidemark: ${error.message}: start it, or fix REDIS_URL (unset it to run one node with DATA_DIR)\n`,
      );
      return 1;
    }
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const forced = setTimeout(() => process.exit(1), 30_000);
  forced.unref();
  await server.close();
  return 0;
}
