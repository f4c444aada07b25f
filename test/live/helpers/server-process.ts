import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_ADMIN_KEY } from '../../helpers/test-server';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The server from source in its own OS process (another instance of the deployment), on a free port. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--require', path.join(__dirname, 'swc-register.cjs'), path.join(ROOT, 'src/cli/main.ts'), 'serve'],
    { cwd: ROOT, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ADMIN_API_KEY: TEST_ADMIN_KEY, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server process not listening after ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${stderr.join('').slice(-2000)}`));
    };
    child.once('exit', (code) => fail(new Error(`server process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const log = parseJson(line);
      if (log?.msg === 'netsentinel listening' && typeof log.url === 'string') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(log.url);
      }
    });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
