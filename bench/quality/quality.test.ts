import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentCorpora, folderOf } from './corpora';
import { keptLog, sumEvents } from './report';
import { toResultCsv } from './score-files';

describe('quality evaluation', () => {
  it('turns CLI output into NAB result columns: score / 100, the flag, blanks as 0', () => {
    const cli = 'timestamp,value,expected,lower,upper,score,anomaly\nt1,1,,,,,0\nt2,5,1,0,2,85.0,1\n';
    expect(toResultCsv(cli)).toBe('timestamp,anomaly_score,anomaly\nt1,0,0\nt2,0.85,1\n');
  });

  it('splits ops-dev by source and keeps every labelled file once', () => {
    const shared = mkdtempSync(join(tmpdir(), 'tidemark-shared-'));
    const labels = (root: string, keys: string[]) => {
      mkdirSync(join(shared, root, 'labels'), { recursive: true });
      const windows = Object.fromEntries(keys.map((k) => [k, []]));
      writeFileSync(join(shared, root, 'labels', 'combined_windows.json'), JSON.stringify(windows));
    };
    labels('nab-dev', ['realKnownCause/b.csv', 'artificialNoAnomaly/a.csv']);
    labels('ops-dev', ['mscloud-x/1.csv', 'aiops18kpi/kpi-00.csv', 'mscloud-y/2.csv']);
    const corpora = developmentCorpora(shared);
    expect(corpora.map((c) => [c.id, c.files])).toEqual([
      ['nab', ['artificialNoAnomaly/a.csv', 'realKnownCause/b.csv']],
      ['mscloud', ['mscloud-x/1.csv', 'mscloud-y/2.csv']],
      ['kpi', ['aiops18kpi/kpi-00.csv']],
    ]);
    expect(corpora[1]!.dataDir).toBe(join(shared, 'ops-dev', 'data'));
    expect(folderOf('mscloud-x/1.csv')).toBe('mscloud-x');
  });

  it('adds event counts and recomputes precision and recall from the sums', () => {
    const a = {
      windows: 2,
      found: 1,
      falseAlarms: 1,
      flaggedRows: 3,
      rows: 100,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    };
    const b = {
      windows: 2,
      found: 2,
      falseAlarms: 0,
      flaggedRows: 2,
      rows: 100,
      precision: 1,
      recall: 1,
      f1: 1,
    };
    const sum = sumEvents([a, b]);
    expect(sum).toMatchObject({ windows: 4, found: 3, falseAlarms: 1, rows: 200 });
    expect(sum.precision).toBeCloseTo(0.75);
    expect(sum.recall).toBeCloseTo(0.75);
  });

  it('keeps the hand-written tuning log of an existing report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-report-'));
    const path = join(dir, 'quality.md');
    writeFileSync(path, '# generated\n\n| a |\n\n## Tuning log\n\n- tried x: 1.0, not kept\n');
    expect(keptLog(path)).toBe('\n## Tuning log\n\n- tried x: 1.0, not kept\n');
    expect(keptLog(join(dir, 'missing.md'))).toBe('\n## Tuning log\n');
  });
});
