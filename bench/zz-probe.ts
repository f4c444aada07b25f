import { BENCH_API_KEY, PREDICT, record, startServer } from './graphql.bench';
const URL_ = 'http://127.0.0.1:4707';
const h = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` };
const normal = JSON.stringify({ query: PREDICT, variables: { records: Array.from({ length: 100 }, (_, i) => record(i)) } });
const attackRecs = Array.from({ length: 100 }, (_, i) => record(i)); attackRecs[99] = { srcIp: '203.0.113.66', destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const attack = JSON.stringify({ query: PREDICT, variables: { records: attackRecs } });
const mode = process.env.MODE ?? 'mixed';
async function metrics() {
  const t = await (await fetch(`${URL_}/metrics`, { headers: h })).text();
  const g = (n: string) => Number(new RegExp(`^${n}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(t)?.[1]) / 1048576;
  return `rss ${g('process_resident_memory_bytes').toFixed(0)} heapUsed ${g('nodejs_heap_size_used_bytes').toFixed(0)} heapTotal ${g('nodejs_heap_size_total_bytes').toFixed(0)} external ${g('nodejs_external_memory_bytes').toFixed(0)}`;
}
(async () => {
  const { child, cleanup } = await startServer();
  try {
    const start = Date.now(); let n = 0;
    let next = Date.now() + 5000;
    while (Date.now() - start < Number(process.env.SECS ?? 120) * 1000) {
      const body = mode === 'normal' ? normal : n % 10 === 0 ? attack : normal;
      await Promise.all(Array.from({ length: 4 }, () => fetch(`${URL_}/graphql`, { method: 'POST', headers: h, body }).then((r) => r.text())));
      n += 4;
      if (Date.now() > next) { console.log(`${((Date.now() - start) / 1000).toFixed(0)}s req ${n} ${await metrics()}`); next += 5000; }
    }
  } finally { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); await cleanup(); }
})();
