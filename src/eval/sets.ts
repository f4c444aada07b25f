import type { EvalSet } from './eval-set';
import { ctuZeek008 } from './loaders/ctu-zeek.loader';
import { nslKdd } from './loaders/nsl-kdd.loader';
import { odds } from './loaders/odds.loader';
import { pcapScenarios } from './loaders/pcap-scenarios.loader';

/** Flow sets carry the capture layer's windowed features unless switched off, as live flow profiles do. */
export interface SetOptions {
  seed: number;
  windowed: boolean;
}

type Loader = (dataDir: string, o: SetOptions) => Promise<EvalSet[]>;

/** Every set the eval knows, by the id `--sets` takes, in report order. */
export const SET_LOADERS: Record<string, Loader> = {
  'nsl-kdd': async (dir, o) => [nslKdd(dir, o.seed)],
  'odds-http': async (dir, o) => [odds(dir, 'http', o.seed)],
  'odds-smtp': async (dir, o) => [odds(dir, 'smtp', o.seed)],
  'ctu-zeek': async (dir, o) => [await ctuZeek008(dir, o.seed, o)],
  // The same log without windowed features: they cost this set accuracy, which the report should show.
  'ctu-zeek-plain': async (dir, o) => [await ctuZeek008(dir, o.seed, { windowed: false })],
  pcap: (dir, o) => pcapScenarios(dir, o.seed, o),
};
