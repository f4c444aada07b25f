import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FaultBinaries } from './fault-binaries';
import { freePort } from './free-port';

const run = promisify(execFile);

export interface PgCluster {
  port: number;
  /** A DATABASE_URL on this cluster's `postgres` database, in `schema`. */
  url(schema?: string): string;
  /** Stops the server; `fast` closes connections cleanly, `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /**
   * Freezes every server process (SIGSTOP): connections stay open but nothing
   * answers, like a network partition. Writes under way end ambiguously.
   */
  pause(): void;
  resume(): void;
  /** Stops it (if running) and deletes its files. */
  destroy(): Promise<void>;
}

const live = new Set<() => void>();
// A test that throws past its afterAll must still not leave a postmaster behind.
process.once('exit', () => live.forEach((kill) => kill()));

/** A throwaway PostgreSQL cluster (initdb + pg_ctl) on a spare port, its files under os.tmpdir(). */
export async function startPgCluster(bins: FaultBinaries, label: string): Promise<PgCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `netsentinel-${label}-pg-`));
  const data = path.join(dir, 'data');
  if (bins.runAs) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, bins.runAs!]).toString().trim()));
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const cmd = (tool: string, args: string[]) => {
    const file = path.join(bins.pgBin, tool);
    return bins.runAs ? (['runuser', ['-u', bins.runAs, '--', file, ...args]] as const) : ([file, args] as const);
  };
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = cmd(tool, args);
    try {
      await run(file, [...argv], { cwd: dir });
    } catch (err) {
      const log = readLog(dir);
      throw new Error(`${tool} ${args.join(' ')} failed: ${(err as Error).message}\n${log}`);
    }
  };
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c max_connections=50'].join(' ');
  let running = false;
  const kill = () => {
    if (!running) return;
    const [file, argv] = cmd('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    try {
      // A paused server would not act on the stop signal.
      signalServer(data, 'SIGCONT');
      execFileSync(file, [...argv], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  };
  live.add(kill);

  const cluster: PgCluster = {
    port,
    url: (schema = 'public') => `postgresql://postgres@127.0.0.1:${port}/postgres?schema=${schema}`,
    async start() {
      await exec('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    pause() {
      signalServer(data, 'SIGSTOP');
    },
    resume() {
      signalServer(data, 'SIGCONT');
    },
    async destroy() {
      kill();
      running = false;
      live.delete(kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}

/** The postmaster (first line of postmaster.pid) and its backends, found through /proc. */
function signalServer(data: string, signal: NodeJS.Signals): void {
  const postmaster = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Exited in between.
    }
  }
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // Gone.
    }
  }
  return children;
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'postgres.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
