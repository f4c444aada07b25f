import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';

/**
 * `npm start` on a fresh machine: no DATABASE_URL, so the server runs its own
 * PostgreSQL (PGlite) under DATA_DIR, migrates it, trains `default`, and keeps
 * the data across a restart. Runs in CI too, whatever DATABASE_URL says there.
 */
describe('embedded default database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netsentinel-embedded-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const predict = async (s: RunningServer, body: unknown[]) => {
    const res = await fetch(`${s.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as { prediction: number[] };
  };
  const attack = { src_ip: '203.0.113.66', dest_ip: '192.168.0.2', src_port: 31337, dest_port: 4444, protocol: 'TCP', packet_size: 65000 };

  it('starts with nothing configured, answers, and keeps its data across a restart', async () => {
    server = await startServer(config, createLogger('silent'));
    expect((await predict(server, [attack])).prediction).toEqual([-1]);
    const models = await server.services.db.prisma.model.count();
    await server.stop();

    server = await startServer(config, createLogger('silent'));
    // Same models (no retraining on restart) and the anomaly stored before is still there.
    expect(await server.services.db.prisma.model.count()).toBe(models);
    expect(await server.services.db.prisma.anomaly.count()).toBe(1);
  }, 180_000);
});
