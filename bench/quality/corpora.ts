import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A labelled set of series scored together (one NAB threshold sweep, one event count). */
export interface Corpus {
  id: string;
  title: string;
  dataDir: string;
  labelsPath: string;
  /** Label keys (`folder/file.csv`) of the series in this corpus. */
  files: string[];
}

export const SHARED = resolve(__dirname, '..', '..', '..', 'shared');

function corpus(id: string, title: string, root: string, keep: (key: string) => boolean): Corpus {
  const labelsPath = join(root, 'labels', 'combined_windows.json');
  const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as Record<string, unknown>;
  return {
    id,
    title,
    dataDir: join(root, 'data'),
    labelsPath,
    files: Object.keys(labels).filter(keep).sort(),
  };
}

/** The development corpora: NAB's dev subset, and ops-dev split by source. */
export function developmentCorpora(shared = SHARED): Corpus[] {
  const opsDev = join(shared, 'ops-dev');
  return [
    corpus('nab', 'NAB dev (18 files)', join(shared, 'nab-dev'), () => true),
    corpus('mscloud', 'ops-dev Microsoft cloud monitoring (60 series)', opsDev, (k) =>
      k.startsWith('mscloud-'),
    ),
    corpus('kpi', 'ops-dev AIOps 2018 KPIs (15 series)', opsDev, (k) => k.startsWith('aiops18kpi/')),
  ];
}

export function folderOf(key: string): string {
  return key.slice(0, key.indexOf('/'));
}
