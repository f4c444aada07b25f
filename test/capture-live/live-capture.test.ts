/**
 * Live capture on the loopback interface with the real tcpdump. Needs root
 * (or a tcpdump with cap_net_raw) and tcpdump installed: elsewhere these tests
 * are skipped with the reason printed, except under CI=true, where a missing
 * prerequisite fails them instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importCaptureFile } from '../../src/capture/capture-import';
import { LiveCapture, startFailure } from '../../src/capture/live-capture';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { fixtureDir, homeTraffic, pcapOf, trainProfile } from '../capture-cli/capture-fixtures';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { ref } from '../helpers/profile-ref';

const NOBODY = 65534;

function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  if (spawnSync('tcpdump', ['--version']).error) return 'tcpdump is not installed';
  return undefined;
}

const missing = missingPrerequisite();
const runLive = missing === undefined || process.env.CI === 'true';
if (!runLive) console.log(`skipping live capture tests: ${missing}`);
const describeLive = runLive ? describe : describe.skip;

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

describe('LiveCapture start failures', () => {
  it('names a missing interface, and refuses a name tcpdump would read as an option', async () => {
    expect(await codeOf(() => LiveCapture.start({ interface: 'nosuch0' }))).toBe(ErrorCode.CAPTURE_INTERFACE_NOT_FOUND);
    expect(await codeOf(() => LiveCapture.start({ interface: '-w/tmp/x' }))).toBe(ErrorCode.BAD_USER_INPUT);
  });

  it('says when tcpdump is not installed', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'netsentinel-no-tcpdump-'));
    try {
      expect(await codeOf(() => LiveCapture.start({ interface: 'lo', searchPath: empty }))).toBe(ErrorCode.CAPTURE_TOOL_MISSING);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it.each([
    ["tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n", undefined, ErrorCode.CAPTURE_PERMISSION_DENIED],
    ['tcpdump: eth9: No such device exists\n(No such device exists)\n', undefined, ErrorCode.CAPTURE_INTERFACE_NOT_FOUND],
    ["tcpdump: unknown port 'foo'\n", 'port foo', ErrorCode.BAD_USER_INPUT],
    ['tcpdump: syntax error in filter expression: syntax error\n', 'port and', ErrorCode.BAD_USER_INPUT],
    ['tcpdump: something else went wrong\n', undefined, ErrorCode.CAPTURE_ERROR],
  ])('maps tcpdump saying %j to a coded error', (stderr, bpf, code) => {
    expect(startFailure(stderr, { interface: 'lo', bpf }).code).toBe(code);
  });
});

describeLive('live capture on lo', () => {
  it('refuses a bad filter with BAD_USER_INPUT naming the field', async () => {
    const err = await LiveCapture.start({ interface: 'lo', bpf: 'port nosuchservice' }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { field: 'bpf' } });
  });

  it('says CAPTURE_PERMISSION_DENIED to an unprivileged user', async () => {
    const script = `
      require(${JSON.stringify(require.resolve('tsx/cjs'))});
      const { LiveCapture } = require(${JSON.stringify(path.resolve(__dirname, '../../src/capture/live-capture.ts'))});
      LiveCapture.start({ interface: 'lo' }).then(
        async (c) => { await c.stop(); console.log('started'); },
        (e) => console.log(e.code),
      );`;
    const child = spawn(process.execPath, ['-e', script], { uid: NOBODY, gid: NOBODY, cwd: tmpdir(), env: { PATH: process.env.PATH } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out.trim()).toBe(ErrorCode.CAPTURE_PERMISSION_DENIED);
  }, 30_000);

  describe('with a trained flow profile', () => {
    let server: TestServer;
    let tcpServer: net.Server;
    let port: number;
    let closed = false;

    const STATUS = 'interface profile bpf state packets flows records anomalies drops unscored error startedAt stoppedAt';
    const START = `mutation($i: String!, $p: String!, $b: String) { startCapture(interface: $i, profile: $p, bpf: $b) { ${STATUS} } }`;
    const STOP = `mutation($i: String!) { stopCapture(interface: $i) { ${STATUS} } }`;
    const QUERY = `query($i: String) { captureStatus(interface: $i) { ${STATUS} } }`;

    beforeAll(async () => {
      server = await startTestServer('capture_live');
      const files = await fixtureDir();
      try {
        const training = await files.write('home.pcap', pcapOf(homeTraffic(10_000, 1)));
        await importCaptureFile(
          { profiles: server.services.profiles, traffic: server.services.traffic },
          { profile: ref('lan'), format: 'pcap', file: training, kindIfNew: 'flow' },
        );
        await trainProfile(server.services, 'lan');
      } finally {
        await files.remove();
      }
      tcpServer = net.createServer((socket) => socket.end('hello\n')).listen(0, '127.0.0.1');
      await new Promise((resolve) => tcpServer.once('listening', resolve));
      port = (tcpServer.address() as net.AddressInfo).port;
    }, 120_000);
    afterAll(async () => {
      tcpServer?.close();
      if (!closed) await server?.close();
    });

    /** Connections to the local server, each sending a line and reading the reply. */
    async function connections(count: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        await new Promise<void>((resolve, reject) => {
          const c = net.connect(port, '127.0.0.1', () => c.write('hi\n'));
          c.on('data', () => c.end());
          c.on('close', () => resolve());
          c.on('error', reject);
        });
      }
    }

    it('captures, scores every flow, counts packets, flows and drops, and stops on request', async () => {
      const started = await server.graphql<{ startCapture: Record<string, unknown> }>(START, { i: 'lo', p: 'lan', b: `tcp port ${port}` });
      expect(started.errors).toBeUndefined();
      expect(started.data?.startCapture).toMatchObject({ interface: 'lo', profile: 'lan', bpf: `tcp port ${port}`, state: 'RUNNING' });

      const again = await server.graphql(START, { i: 'lo', p: 'lan' });
      expect(again.errors?.[0].extensions?.code).toBe(ErrorCode.CAPTURE_ALREADY_RUNNING);

      await connections(20);
      let status: Record<string, number | string> = {};
      for (let tries = 0; tries < 50 && !(Number(status.packets) >= 100); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await server.graphql<{ captureStatus: Record<string, number | string>[] }>(QUERY, { i: 'lo' })).data?.captureStatus[0] ?? {};
      }
      expect(status).toMatchObject({ state: 'RUNNING' });
      expect(Number(status.packets)).toBeGreaterThanOrEqual(100);

      const stopped = await server.graphql<{ stopCapture: Record<string, number | string | null> }>(STOP, { i: 'lo' });
      expect(stopped.errors).toBeUndefined();
      const final = stopped.data?.stopCapture ?? {};
      // 20 connections: handshake, a line each way, FIN both ways: one flow and at least 8 packets each.
      expect(final).toMatchObject({ state: 'STOPPED', flows: 20, records: 20, drops: 0, unscored: 0, error: null });
      expect(Number(final.packets)).toBeGreaterThanOrEqual(160);
      expect(final.stoppedAt).not.toBeNull();

      const stored = await server.services.db.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM "Anomaly" a JOIN "Profile" p ON p.id = a."profileId" WHERE p.name = $1',
        ['lan'],
      );
      expect(Number(stored.rows[0].n)).toBe(final.anomalies);

      const idle = await server.graphql(STOP, { i: 'lo' });
      expect(idle.errors?.[0].extensions?.code).toBe(ErrorCode.CAPTURE_NOT_RUNNING);
      const listed = await server.graphql<{ captureStatus: { state: string }[] }>(QUERY, {});
      expect(listed.data?.captureStatus).toEqual([expect.objectContaining({ interface: 'lo', state: 'STOPPED' })]);
    }, 60_000);

    it('refuses profiles a capture cannot feed', async () => {
      await server.services.profiles.upsert('default', { name: 'rows', kind: 'TABULAR' });
      await server.services.profiles.upsert('default', { name: 'untrained', kind: 'FLOW' });
      const tabular = await server.graphql(START, { i: 'lo', p: 'rows' });
      expect(tabular.errors?.[0].extensions?.code).toBe(ErrorCode.BAD_USER_INPUT);
      const untrained = await server.graphql(START, { i: 'lo', p: 'untrained' });
      expect(untrained.errors?.[0].extensions?.code).toBe(ErrorCode.NO_ACTIVE_MODEL);
      const missingIface = await server.graphql(START, { i: 'nosuch0', p: 'lan' });
      expect(missingIface.errors?.[0].extensions?.code).toBe(ErrorCode.CAPTURE_INTERFACE_NOT_FOUND);
    });

    it('runs from the command line: netsentinel capture prints live counters and a summary', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: server.database.url };
      delete env.REDIS_URL;
      const args = ['--require', require.resolve('tsx/cjs'), 'src/cli/main.ts', 'capture', '--interface', 'lo', '--profile', 'lan'];
      const child = spawn(process.execPath, [...args, '--bpf', `tcp port ${port}`, '--seconds', '3'], { cwd: path.resolve(__dirname, '../..'), env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      const listening = new Promise<void>((resolve) =>
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('capturing on lo')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await Promise.race([listening, exited]);
      await connections(5);
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/capture on lo for profile lan: STOPPED\n\s+packets\s+\d+\n\s+flows\s+5\n\s+scored\s+5\n/);
    }, 60_000);

    it('stops a running capture (and its tcpdump) when the server shuts down', async () => {
      const filter = `tcp port ${port} and not port 1`;
      const started = await server.graphql(START, { i: 'lo', p: 'lan', b: filter });
      expect(started.errors).toBeUndefined();
      expect(await tcpdumpsWith(filter)).toBe(1);
      await connections(3);
      await server.close();
      closed = true;
      const [last] = server.services.captures.status('lo');
      expect(last).toMatchObject({ state: 'STOPPED', flows: 3, records: 3 });
      expect(await tcpdumpsWith(filter)).toBe(0);
    }, 60_000);
  });
});

/** tcpdump processes whose command line ends with this filter. */
async function tcpdumpsWith(filter: string): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0').filter((a) => a !== '');
    if (path.basename(args[0] ?? '') === 'tcpdump' && args[args.length - 1] === filter) count++;
  }
  return count;
}
