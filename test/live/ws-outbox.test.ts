import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { WsOutbox } from '../../src/http/ws-outbox';

/** A real ws server connection whose raw socket the outbox writes to, and a real ws client reading it. */
async function connection(): Promise<{ outbox: WsOutbox; server: WebSocket; client: WebSocket; close(): Promise<void> }> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const accepted = new Promise<{ ws: WebSocket; raw: Duplex }>((resolve) =>
    httpServer.on('upgrade', (req, raw: Duplex, head) => wss.handleUpgrade(req, raw, head, (ws) => resolve({ ws, raw }))),
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const { ws, raw } = await accepted;
  return {
    outbox: new WsOutbox(raw, () => ws.readyState === ws.OPEN),
    server: ws,
    client,
    async close() {
      client.terminate();
      wss.close();
      await new Promise((r) => httpServer.close(r));
    },
  };
}

function received(client: WebSocket, count: number): Promise<{ text: string; binary: boolean }[]> {
  const messages: { text: string; binary: boolean }[] = [];
  return new Promise((resolve) =>
    client.on('message', (data, binary) => {
      messages.push({ text: String(data), binary });
      if (messages.length === count) resolve(messages);
    }),
  );
}

describe('WebSocket outbox', () => {
  it('sends whole text frames of every length class, in order, interleaved correctly with ws sends', async () => {
    const c = await connection();
    try {
      const head = Buffer.from('{"id":"x","payload":');
      const tail = Buffer.from('}');
      // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 §5.2).
      const bodies = ['1', `"${'a'.repeat(300)}"`, `"${'é'.repeat(40_000)}"`].map((b) => Buffer.from(b));
      const got = received(c.client, 5);
      for (const body of bodies) c.outbox.add(head, body, tail);
      // A message ws sends itself goes after what the outbox holds, once the outbox is flushed first.
      c.outbox.flush();
      c.server.send('{"type":"ping"}');
      let written = false;
      c.outbox.add(head, Buffer.from('2'), tail, () => (written = true));
      expect(c.outbox.pending).toBeGreaterThan(0);
      const messages = await got;
      expect(messages.map((m) => m.binary)).toEqual([false, false, false, false, false]);
      expect(messages.map((m) => JSON.parse(m.text) as unknown)).toEqual([
        { id: 'x', payload: 1 },
        { id: 'x', payload: 'a'.repeat(300) },
        { id: 'x', payload: 'é'.repeat(40_000) },
        { type: 'ping' },
        { id: 'x', payload: 2 },
      ]);
      expect(written).toBe(true);
      expect(c.outbox.pending).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('sends nothing after the close frame', async () => {
    const c = await connection();
    // The bytes themselves: a ws client ignores whatever follows a close frame.
    const bytes: Buffer[] = [];
    (c.client as unknown as { _socket: Duplex })._socket.on('data', (d: Buffer) => bytes.push(d));
    const closed = new Promise<number>((r) => c.client.once('close', r));
    c.outbox.add(Buffer.from('{'), Buffer.from('"a":1'), Buffer.from('}'));
    c.outbox.flush();
    c.outbox.add(Buffer.from('{'), Buffer.from('"a":2'), Buffer.from('}'));
    c.server.close(1001, 'Going away'); // by someone else, before the outbox's turn
    expect(await closed).toBe(1001);
    await new Promise((r) => setImmediate(r));
    const all = Buffer.concat(bytes);
    expect(all.includes('"a":1')).toBe(true);
    expect(all.includes('"a":2')).toBe(false);
    await c.close();
  });

  it('tells a waiting sender even when the socket has gone', async () => {
    const c = await connection();
    c.client.terminate();
    await new Promise((r) => c.server.once('close', r));
    let written = false;
    c.outbox.add(Buffer.from('{'), Buffer.from('"a":1'), Buffer.from('}'), () => (written = true));
    c.outbox.flush();
    expect(written).toBe(false); // not from inside the flush
    await new Promise((r) => process.nextTick(r));
    expect(written).toBe(true);
    await c.close();
  });
});
