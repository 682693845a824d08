/**
 * Child process for the crash test: writes records and model versions as fast as it can until
 * it is killed with SIGKILL. Prints `ready` once the first round is on disk.
 * Usage: tsx scorer/test/crash-writer.ts <dataDir>
 */
import { z } from 'zod';
import { openStateStore } from '../store';

const recordSchema = z.object({ n: z.number(), payload: z.string() });

async function main(dataDir: string) {
  const store = await openStateStore(dataDir, { keepModelVersions: 3 });
  const records = store.collection('checkpoints', recordSchema);
  for (let n = 1; ; n++) {
    const payload = String(n % 10).repeat(256 * 1024);
    await Promise.all([
      records.put(1, 'busy', { n, payload }),
      records.put(1, `r${n % 7}`, { n, payload }),
      store.models.saveVersion(1, { id: 'm', key: 'k', detector: 'robust' }, Buffer.from(payload)),
    ]);
    if (n === 1) process.stdout.write('ready\n');
  }
}

main(process.argv[2] ?? '').catch((error) => {
  console.error(error);
  process.exit(1);
});
