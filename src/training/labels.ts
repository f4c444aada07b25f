const BENIGN = new Set(['normal', 'normal.', 'benign', '0', 'false']);

/** Ground-truth label → 1 (attack) / 0 (benign); unlabelled rows give undefined. */
export function attackLabel(label: string | undefined): 0 | 1 | undefined {
  if (label === undefined || label === '') return undefined;
  const l = label.trim().toLowerCase();
  if (l === 'background' || l === 'unknown') return undefined;
  return BENIGN.has(l) ? 0 : 1;
}
