import { ExitCode, UsageError } from './exit-codes';
import { exitCodeFor, SCORE_HELP, scoreCommand } from './score-command';
import { serveCommand } from './serve-command';

const HELP = `Usage: tidemark <command> [options]

Commands:
  serve   run the scoring service (HTTP API, continuous detectors); configured by env (tidemark serve --help)
  score   score a timestamp,value CSV file and write the scored rows (tidemark score --help)
  feed    write demo ops metrics with labelled anomalies to InfluxDB (tidemark feed --help)
  backtest  run a backtest on a running scorer: how a detector would have flagged a past range (tidemark backtest --help)

Run "tidemark <command> --help" for a command's options.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  score: scoreCommand,
  serve: serveCommand,
  feed: (argv) => import('../feeder/feed-command').then(({ feedCommand }) => feedCommand(argv)),
  backtest: (argv) => import('./backtest-command').then(({ backtestCommand }) => backtestCommand(argv)),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name ? ExitCode.Ok : ExitCode.Usage;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"\n\n${HELP}`);
    return await command(rest);
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tidemark: ${message}\n`);
    if (code === ExitCode.Usage && name === 'score') process.stderr.write(`\n${SCORE_HELP}\n`);
    if (code === ExitCode.Failure && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return code;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
