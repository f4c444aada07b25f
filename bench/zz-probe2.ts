import { PREDICT, record } from './graphql.bench';
const { loadConfig } = require('../dist/config/config.js');
const { startServer } = require('../dist/server.js');
const url = new URL(process.env.DATABASE_URL!); url.searchParams.set('schema', `probe_${Date.now()}`);
const normal = JSON.stringify({ query: PREDICT, variables: { records: Array.from({ length: 100 }, (_, i) => record(i)) } });
(async () => {
  const server = await startServer(loadConfig({ PORT: '4708', LOG_LEVEL: 'warn', DATABASE_URL: url.toString(), AUTH: 'off', RATE_LIMIT_PER_SECOND: '0' }));
  const h = { 'content-type': 'application/json' };
  const start = Date.now(); let n = 0; let next = Date.now() + 10000;
  const mem = () => { (global as any).gc(); const m = process.memoryUsage(); return `rss ${(m.rss/1048576).toFixed(0)} heapUsed(after gc) ${(m.heapUsed/1048576).toFixed(1)} heapTotal ${(m.heapTotal/1048576).toFixed(0)} ext ${(m.external/1048576).toFixed(0)}`; };
  for (let i = 0; i < 200; i++) await fetch(`${server.url}/graphql`, { method: 'POST', headers: h, body: normal }).then((r) => r.text()).catch(() => '');
  console.log('start', mem());
  if (process.env.SNAP) require('v8').writeHeapSnapshot('/tmp/probe-a.heapsnapshot');
  while (Date.now() - start < Number(process.env.SECS ?? 60) * 1000) {
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${server.url}/graphql`, { method: 'POST', headers: h, body: normal }).then((r) => r.text()).catch(() => '')));
    n += 4;
    if (Date.now() > next) { console.log(`${((Date.now() - start) / 1000).toFixed(0)}s req ${n} ${mem()}`); next += 10000; }
  }
  if (process.env.SNAP) { require('v8').writeHeapSnapshot('/tmp/probe-b.heapsnapshot'); console.log('snap'); }
  await server.stop();
  const pg = require('pg'); const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect(); await c.query(`DROP SCHEMA "${url.searchParams.get('schema')}" CASCADE`); await c.end();
})();
