import { definePlugin } from '../define-plugin';
import type { DetectorPlugin } from '../detector.types';
import { invalidState } from '../state';
import { ENSEMBLE, ENSEMBLE_STATE_VERSION, EnsembleDetector, ensembleStateSchema } from './ensemble.detector';
import { ensembleParams, resolveMembers, type EnsembleParams } from './ensemble.params';


/** An ensemble plugin whose members may be any of `plugins` (the ensemble itself excluded). */
export function createEnsemble(plugins: readonly DetectorPlugin[]): DetectorPlugin<EnsembleParams> {
  const byName = new Map(plugins.map((p) => [p.describe().name, p]));
  const members = (params: EnsembleParams) => {
    const resolved = resolveMembers(params.members, byName);
    // The params schema already refused bad member lists; only a stored model can get here with one.
    if (typeof resolved === 'string') throw invalidState(ENSEMBLE, resolved);
    return resolved;
  };
  return definePlugin({
    name: ENSEMBLE,
    summary:
      'Ensemble: fits member detectors on the same rows and averages (or takes the max of) their scores, each normalized by its own training scores. Explains through its self-explaining members.',
    stateVersion: ENSEMBLE_STATE_VERSION,
    capabilities: { online: false, explains: true },
    paramsSchema: ensembleParams(byName),
    stateSchema: ensembleStateSchema,
    create: (params) => new EnsembleDetector(params, members(params)),
    restore: (params, state) => EnsembleDetector.restore(params, members(params), state),
  });
}
