import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A temporary folder for dataset fixtures; `remove` deletes it. */
export async function datasetDir(): Promise<{ dir: string; file(name: string, content: string, gzip?: boolean): Promise<string>; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netsentinel-dataset-'));
  return {
    dir,
    async file(name, content, gzip = false) {
      const p = path.join(dir, name);
      await writeFile(p, gzip ? gzipSync(content) : content);
      return p;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const SERVICES = ['http', 'smtp', 'ftp_data', 'private'];

/**
 * Rows in the KDD Cup '99 layout (41 features, label last), deterministic:
 * mostly "normal." traffic with a share of "smurf." floods that differ clearly.
 */
export function kddRows(count: number, attackEvery = 10): string[] {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const attack = i % attackEvery === attackEvery - 1;
    const features = [
      attack ? 0 : i % 7,
      attack ? 'icmp' : 'tcp',
      attack ? 'ecr_i' : SERVICES[i % SERVICES.length],
      'SF',
      attack ? 1032 : 200 + (i % 50) * 3,
      attack ? 0 : 1000 + (i % 40) * 25,
      ...Array.from({ length: 16 }, () => 0),
      attack ? 511 : 1 + (i % 9),
      attack ? 511 : 1 + (i % 5),
      ...Array.from({ length: 17 }, (_, j) => ((i + j) % 10) / 10),
    ];
    rows.push([...features, attack ? 'smurf.' : 'normal.'].join(','));
  }
  return rows;
}
