import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/app-error';
import type { TrainedModel } from '../training/trainer';
import type { FitInput, FitMessage } from './fit-protocol';

export interface FitOptions {
  onProgress(fraction: number, message: string): void;
  /** Aborting terminates the thread at once, even in the middle of a fit. */
  signal: AbortSignal;
  /** Heap limit of the thread: running out fails this job, not the process. */
  memoryMb: number;
}

/**
 * The thread's entry sits next to this file: `fit.thread.js` in dist. Run from
 * TypeScript sources (jest, tsx) it is `fit.thread.ts`, loaded through tsx's
 * require hook, a dev dependency that production never reaches.
 */
function threadEntry(): { file: string; execArgv: string[] } {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `fit.thread${ext}`);
  return { file, execArgv: ext === '.ts' ? ['--require', require.resolve('tsx/cjs')] : [] };
}

/** Fits a training request in a worker thread; resolves with the trained models. */
export function fitInThread(input: FitInput, opts: FitOptions): Promise<TrainedModel[]> {
  const { file, execArgv } = threadEntry();
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const worker = new Worker(file, {
      workerData: input,
      execArgv,
      resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(opts.signal.reason));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FitMessage) => {
      if (m.type === 'progress') opts.onProgress(m.fraction, m.message);
      else if (m.type === 'done') settle(() => resolve(m.models));
      else settle(() => reject(m.error.code ? new AppError(m.error.code, m.error.message, m.error.details) : Object.assign(new Error(m.error.message), { stack: m.error.stack })));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`Training thread exited with code ${code} before finishing`))));
  });
}
