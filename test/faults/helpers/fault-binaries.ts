import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface FaultBinaries {
  /** Directory holding initdb and pg_ctl. */
  pgBin: string;
  redisServer: string;
  /** When running as root (CI), initdb refuses: the cluster runs as this user instead. */
  runAs?: string;
}

/**
 * The PostgreSQL and Redis server binaries the fault tests start themselves, or
 * undefined (with the reason printed) when they are missing outside CI. Under
 * CI=true nothing may be skipped: it throws instead.
 */
export function faultBinaries(label: string): FaultBinaries | undefined {
  const problem = (reason: string): undefined => {
    if (process.env.CI === 'true') throw new Error(`${label} may not be skipped under CI=true: ${reason}`);
    console.warn(`skipping ${label}: ${reason}`);
    return undefined;
  };
  const pgBin = findPgBin();
  if (!pgBin) return problem('no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql or set PG_BIN');
  const redisServer = which('redis-server');
  if (!redisServer) return problem('redis-server is not on PATH; install redis-server');
  if (process.getuid?.() !== 0) return { pgBin, redisServer };
  const runAs = process.env.PG_RUN_AS ?? 'postgres';
  try {
    execFileSync('id', ['-u', runAs], { stdio: 'ignore' });
  } catch {
    return problem(`running as root, and initdb needs an unprivileged user: there is no user "${runAs}" (set PG_RUN_AS)`);
  }
  if (!which('runuser')) return problem('running as root without runuser to start PostgreSQL as another user');
  return { pgBin, redisServer, runAs };
}

function findPgBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    // Newest major version first.
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  const onPath = which('initdb');
  if (onPath) candidates.push(path.dirname(onPath));
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}
