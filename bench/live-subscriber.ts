/**
 * A bare graphql-transport-ws subscriber for the live benchmark: one TCP
 * connection, the WebSocket handshake and frames by hand (RFC 6455), one
 * subscription. A hundred of them share one process, which has to take 100,000
 * messages a second on the cores the server runs on: per message it reads the
 * frame header and the anomaly's id from its place (the selection starts with it)
 * and allocates nothing else, where a WebSocket library makes a buffer, an event
 * and a string of every message. A browser tab parses its 1,000 a second with ease.
 * Everything else the server sends (ack, errors, pings) is parsed and checked.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

export interface Subscriber {
  close(): Promise<void>;
}

/** The server's messages for our subscription "1" start with this, up to the anomaly's id. */
const NEXT_ANOMALY = Buffer.from('{"id":"1","type":"next","payload":{"data":{"anomalyDetected":{"id":"');
const QUOTE = 0x22;
const EMPTY = Buffer.alloc(0);

const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/**
 * Connects, subscribes with `query`, and resolves once the server has accepted the
 * connection. `onAnomaly` gets each anomaly's id and the frame's payload bytes
 * (valid only during the call).
 */
export async function openSubscriber(
  port: number,
  query: string,
  onAnomaly: (id: string, message: Buffer) => void,
): Promise<Subscriber> {
  const socket = await upgrade(port);
  socket.setNoDelay(true);
  const send = (opcode: number, payload: Buffer) => socket.write(clientFrame(opcode, payload));
  const sendJson = (message: unknown) => send(TEXT, Buffer.from(JSON.stringify(message)));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  let acknowledged!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((acknowledged = resolve), (failed = reject)));
  socket.on('error', (err) => failed(err));
  void closed.then(() => failed(new Error('subscriber connection closed')));

  const onText = (frame: Buffer) => {
    if (frame.length > NEXT_ANOMALY.length && frame.compare(NEXT_ANOMALY, 0, NEXT_ANOMALY.length, 0, NEXT_ANOMALY.length) === 0) {
      onAnomaly(frame.toString('latin1', NEXT_ANOMALY.length, frame.indexOf(QUOTE, NEXT_ANOMALY.length)), frame);
      return;
    }
    const message = JSON.parse(frame.toString()) as { type: string };
    if (message.type === 'connection_ack') {
      sendJson({ id: '1', type: 'subscribe', payload: { query } });
      acknowledged();
    } else if (message.type === 'ping') {
      sendJson({ type: 'pong' });
    } else {
      failed(new Error(`unexpected message: ${frame.toString()}`));
    }
  };

  let pending = EMPTY;
  const onData = (chunk: Buffer) => {
    const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    for (;;) {
      const frame = nextFrame(buf, at);
      if (frame === undefined) break;
      const payload = buf.subarray(frame.start, frame.end);
      if (frame.opcode === TEXT) onText(payload);
      else if (frame.opcode === PING) send(PONG, Buffer.from(payload));
      else if (frame.opcode === CLOSE) socket.end();
      else if (frame.opcode !== PONG) failed(new Error(`unexpected frame opcode ${frame.opcode}`));
      at = frame.end;
    }
    pending = at === buf.length ? EMPTY : Buffer.from(buf.subarray(at));
  };
  socket.on('data', onData);
  sendJson({ type: 'connection_init' });
  await ready;

  return {
    async close() {
      if (!socket.destroyed) {
        send(CLOSE, Buffer.from([0x03, 0xe8])); // 1000, normal closure
        socket.end();
      }
      await closed;
    },
  };
}

function upgrade(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': 'graphql-transport-ws',
      },
    });
    req.once('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-protocol'] !== 'graphql-transport-ws') reject(new Error('server refused graphql-transport-ws'));
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.once('response', (res) => reject(new Error(`no WebSocket upgrade: HTTP ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
}

/** The complete frame starting at `at`, or undefined when more bytes are needed. Server frames are final and unmasked. */
function nextFrame(buf: Buffer, at: number): { opcode: number; start: number; end: number } | undefined {
  if (buf.length - at < 2) return undefined;
  const b0 = buf[at];
  const b1 = buf[at + 1];
  if ((b0 & 0x80) === 0 || (b1 & 0x80) !== 0) throw new Error('fragmented or masked frame from the server');
  let length = b1 & 0x7f;
  let start = at + 2;
  if (length === 126) {
    if (buf.length - at < 4) return undefined;
    length = buf.readUInt16BE(at + 2);
    start = at + 4;
  } else if (length === 127) {
    if (buf.length - at < 10) return undefined;
    length = Number(buf.readBigUInt64BE(at + 2));
    start = at + 10;
  }
  const end = start + length;
  return end > buf.length ? undefined : { opcode: b0 & 0x0f, start, end };
}

/** A client's frames are masked (RFC 6455 §5.3). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const header = payload.length < 126 ? 2 : 4;
  if (payload.length >= 65_536) throw new Error('frame too long for this client');
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (header === 2) {
    frame[1] = 0x80 | payload.length;
  } else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}
