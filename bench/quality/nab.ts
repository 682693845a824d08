/** NAB's scorer (../shared/tools/nab-score.mjs) run in this process on one corpus's results. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Corpus, SHARED } from './corpora';

export const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type Profile = (typeof PROFILES)[number];

export interface FileLoss {
  file: string;
  /** Points below a perfect detection of this file's windows, at the corpus's standard threshold. */
  lost: number;
  windows: number;
  windowsDetected: number;
  fp: number;
}

export interface NabResult {
  scores: Record<Profile, number>;
  /** The standard profile's optimised threshold (0–1, i.e. score / 100). */
  threshold: number;
  files: FileLoss[];
}

interface NabModule {
  loadCorpus(options: Record<string, unknown>): unknown;
  scoreCorpus(corpus: unknown): Record<
    Profile,
    {
      normalizedScore: number;
      threshold: number;
      costMatrix: { tpWeight: number };
      files: { file: string; score: number; windows: number; windowsDetected: number; fp: number }[];
    }
  >;
}

let nabModule: Promise<NabModule> | undefined;

export async function nabScore(corpus: Corpus, resultsDir: string): Promise<NabResult> {
  nabModule ??= import(pathToFileURL(join(SHARED, 'tools', 'nab-score.mjs')).href) as Promise<NabModule>;
  const nab = await nabModule;
  const loaded = nab.loadCorpus({
    resultsDir,
    dataDir: corpus.dataDir,
    labelsPath: corpus.labelsPath,
    layout: 'simple',
    files: corpus.files.join(','),
  });
  const report = nab.scoreCorpus(loaded);
  const standard = report.standard;
  return {
    scores: Object.fromEntries(PROFILES.map((p) => [p, report[p].normalizedScore])) as Record<
      Profile,
      number
    >,
    threshold: standard.threshold,
    files: standard.files.map((f) => ({
      file: f.file,
      lost: f.windows * standard.costMatrix.tpWeight - f.score,
      windows: f.windows,
      windowsDetected: f.windowsDetected,
      fp: f.fp,
    })),
  };
}
