import { parseCommandArgs, PROFILE_OPTIONS, profileRef } from './args';
import { withServices } from './cli-services';

export const MODELS_USAGE = 'Usage: netsentinel models --profile P [--site S]\n\nEvery model version of the profile, newest first; * marks the active ones.';

const OPTIONS = PROFILE_OPTIONS;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, MODELS_USAGE);
  const ref = profileRef(values, MODELS_USAGE);
  const { name } = ref;
  const rows = await withServices(async (services) => services.models.listByProfile((await services.profiles.get(ref)).id));
  if (rows.length === 0) {
    process.stdout.write(`profile ${name} has no models yet: train one with \`netsentinel train --profile ${name}\`\n`);
    return 0;
  }
  const table = rows.map((m) => {
    const metrics = m.metrics as Record<string, unknown>;
    return [
      m.active ? '*' : ' ',
      m.detector,
      `v${m.version}`,
      m.trainedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      String(metrics.rows ?? ''),
      m.threshold.toPrecision(4),
      typeof metrics.rocAuc === 'number' ? metrics.rocAuc.toFixed(3) : '-',
      m.id,
    ];
  });
  const header = [' ', 'detector', 'version', 'trained', 'rows', 'threshold', 'roc-auc', 'id'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`${[line(header), ...table.map(line)].join('\n')}\n`);
  return 0;
}
