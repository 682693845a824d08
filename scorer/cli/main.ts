import { ExitCode, exitCodeFor, UsageError } from './exit-codes';
import { MODELS_HELP, modelsCommand } from './models-command';
import { SCORE_HELP, scoreCommand } from './score-command';
import { serveCommand } from './serve-command';
import { TRAIN_HELP, trainCommand } from './train-command';

const HELP = `Usage: tidemark <command> [options]

Commands:
  serve   run the scoring service (HTTP API, continuous detectors); configured by env (tidemark serve --help)
  score   score a timestamp,value CSV file and write the scored rows (tidemark score --help)
  train   train a model on a timestamp,value CSV file and write it to a model file (tidemark train --help)
  models  export a model from a running scorer to a file, or import a file into it (tidemark models --help)
  feed    write demo ops metrics with labelled anomalies to InfluxDB (tidemark feed --help)
  backtest  run a backtest on a running scorer: how a detector would have flagged a past range (tidemark backtest --help)

Run "tidemark <command> --help" for a command's options.`;

/** Printed after a usage error of the command. */
const USAGE: Record<string, string> = { score: SCORE_HELP, train: TRAIN_HELP, models: MODELS_HELP };

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  score: scoreCommand,
  train: trainCommand,
  models: modelsCommand,
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
    if (code === ExitCode.Usage && USAGE[name]) process.stderr.write(`\n${USAGE[name]}\n`);
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
