import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';

/**
 * `npm start` on a fresh machine: no DATABASE_URL, so the server runs its own
 * PostgreSQL (PGlite) under DATA_DIR, migrates it, trains `default`, prints a
 * generated admin key once, and keeps the data (and that key) across a restart.
 * Runs in CI too, whatever DATABASE_URL says there.
 */
describe('embedded default database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netsentinel-embedded-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const predict = async (s: RunningServer, key: string, body: unknown[]) => {
    const res = await fetch(`${s.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, ...((await res.json()) as { prediction: number[] }) };
  };
  /** What the server writes on the terminal while it starts. */
  const startCapturingStderr = async (): Promise<{ server: RunningServer; printed: string }> => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      return { server: await startServer(config, createLogger('silent')), printed: writes.join('') };
    } finally {
      spy.mockRestore();
    }
  };
  const attack = { src_ip: '203.0.113.66', dest_ip: '192.168.0.2', src_port: 31337, dest_port: 4444, protocol: 'TCP', packet_size: 65000 };

  it('starts with nothing configured, answers, and keeps its data across a restart', async () => {
    const first = await startCapturingStderr();
    server = first.server;
    const key = /(nsk_[A-Za-z0-9_-]+)/.exec(first.printed)?.[1];
    expect(key).toBeDefined();
    expect((await predict(server, 'nsk_wrong-key-0000000000000000', [attack])).status).toBe(401);
    expect((await predict(server, key!, [attack])).prediction).toEqual([-1]);
    const models = await server.services.db.prisma.model.count();
    await server.stop();

    const second = await startCapturingStderr();
    server = second.server;
    // The key is printed only once, and still works; same models (no retraining on restart); the anomaly is still there.
    expect(second.printed).not.toContain('nsk_');
    expect((await predict(server, key!, [])).status).toBe(200);
    expect(await server.services.db.prisma.model.count()).toBe(models);
    expect(await server.services.db.prisma.anomaly.count()).toBe(1);
  }, 180_000);
});
