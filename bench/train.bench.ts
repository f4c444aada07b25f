/**
 * Import and training on KDD Cup '99 10% (494,021 rows), what the replaced tool
 * trained on, each step as the user runs it: the built `netsentinel import`
 * and `netsentinel train --wait` (the worker: embedded backend, fitting thread)
 * as child processes, whose peak RSS is read from /proc. Needs DATABASE_URL
 * (a PostgreSQL server); the data lands in a schema of its own, dropped
 * afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServices } from '../src/app/services';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/logger';
import { DEFAULT_SITE } from '../src/profiles/profile.service';

const ROOT = path.resolve(__dirname, '..');
const KDD = process.env.KDD_FILE ?? path.resolve(ROOT, '../shared/data/kddcup99/kddcup.data_10_percent.gz');
const PROFILE = 'kdd';

export async function benchTrain(): Promise<Record<string, unknown>[]> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('The train section needs DATABASE_URL (a PostgreSQL server)');
  if (!existsSync(KDD)) throw new Error(`KDD file not found: ${KDD} (set KDD_FILE)`);
  const url = new URL(base);
  url.searchParams.set('schema', `bench_train_${randomBytes(4).toString('hex')}`);
  const services = await createServices(loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' }), createLogger('warn'));
  try {
    await services.profiles.ensureDefaults();
    const load = loadavg()[0];
    const imported = await runCli(url.toString(), ['import', '--profile', PROFILE, '--format', 'kdd', KDD]);
    // The command's own summary: rows stored and the time from opening the file to the last block stored.
    const stored = Number(/stored\s+(\d+)/.exec(imported.stdout)?.[1]);
    const importSeconds = Number(/time\s+([\d.]+) s/.exec(imported.stdout)?.[1]);
    const trained = await runCli(url.toString(), ['train', '--profile', PROFILE, '--detector', 'isolation-forest', '--seed', '1', '--wait']);
    const [model] = await services.models.active((await services.profiles.get({ site: DEFAULT_SITE, name: PROFILE })).id);
    const metrics = model.metrics as Record<string, number>;
    const conditions = `${cpus().length} cores, load average ${load.toFixed(1)} at start`;
    return [
      {
        step: 'import (kdd, gzip → column blocks)',
        rows: stored,
        seconds: round(importSeconds),
        rowsPerSec: Math.round(stored / importSeconds),
        processSeconds: round(imported.seconds),
        peakRssMb: imported.peakRssMb,
        conditions,
      },
      { step: 'isolation-forest fit', rows: metrics.fitRows, seconds: round(metrics.fitMs / 1000) },
      { step: 'score all rows (thresholds, ROC-AUC)', rows: metrics.rows, seconds: round(metrics.scoreMs / 1000), rocAuc: round(metrics.rocAuc) },
      { step: 'whole training job (2 passes over PostgreSQL)', rows: metrics.rows, processSeconds: round(trained.seconds), peakRssMb: trained.peakRssMb, conditions: `load average ${loadavg()[0].toFixed(1)} at end` },
    ];
  } finally {
    await services.db.pool.query(`DROP SCHEMA IF EXISTS "${services.db.schema}" CASCADE`);
    await services.close();
  }
}

/** A built `netsentinel` command; polls the child's VmHWM (peak resident set) while it runs. */
async function runCli(databaseUrl: string, args: string[]): Promise<{ stdout: string; seconds: number; peakRssMb: number }> {
  const main = path.join(ROOT, 'dist/cli/main.js');
  if (!existsSync(main)) throw new Error('Run `npm run build` before the train section');
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  delete env.REDIS_URL;
  const started = performance.now();
  const child = spawn(process.execPath, [main, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // The child has just exited.
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`netsentinel ${args[0]} exited with ${code}: ${stdout}`);
  return { stdout, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peakKb / 1024) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (require.main === module) {
  benchTrain()
    .then((rows) => console.table(rows))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
