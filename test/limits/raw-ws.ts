import WebSocket from 'ws';

export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

export interface RawConnection {
  socket: WebSocket;
  messages: WsMessage[];
  /** Frames the server sent that were not JSON (there should be none). */
  junk: string[];
  /** Set once the server closed the socket. */
  closed?: { code: number; reason: string };
  send(frame: string | Buffer | object): void;
  /** Resolves with the first message (received or to come) that matches. */
  waitFor(match: (m: WsMessage) => boolean, timeoutMs?: number): Promise<WsMessage>;
  /** Resolves once nothing arrived for `quietMs` or the socket closed. */
  settle(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A graphql-transport-ws connection driven frame by frame: the tests send what
 * they like (including what no real client would) and see every frame and the
 * close code the server answers with.
 */
export async function openRaw(httpUrl: string, protocol = 'graphql-transport-ws'): Promise<RawConnection> {
  const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/graphql`, protocol);
  const messages: WsMessage[] = [];
  const junk: string[] = [];
  const listeners = new Set<() => void>();
  let last = Date.now();
  const conn: RawConnection = {
    socket,
    messages,
    junk,
    send(frame) {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    },
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = messages.find(match);
          if (hit) {
            done();
            resolve(hit);
          } else if (conn.closed) {
            done();
            reject(new Error(`socket closed ${JSON.stringify(conn.closed)}; got ${JSON.stringify(messages).slice(0, 500)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 500)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async settle(quietMs = 150) {
      while (!conn.closed && Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, quietMs / 3));
    },
    async close() {
      if (conn.closed || socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000);
      });
    },
  };
  socket.on('message', (data) => {
    last = Date.now();
    try {
      messages.push(JSON.parse(String(data)) as WsMessage);
    } catch {
      junk.push(String(data));
    }
    listeners.forEach((l) => l());
  });
  socket.on('close', (code, reason) => {
    conn.closed = { code, reason: String(reason) };
    listeners.forEach((l) => l());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  last = Date.now();
  return conn;
}

/** Opens, sends connection_init with `payload` and waits for the ack. */
export async function openAcknowledged(httpUrl: string, payload: Record<string, unknown>): Promise<RawConnection> {
  const conn = await openRaw(httpUrl);
  conn.send({ type: 'connection_init', payload });
  await conn.waitFor((m) => m.type === 'connection_ack');
  return conn;
}

/** The `extensions.code` of each error of an `error` message, or of a `next` message's errors. */
export function errorCodes(message: WsMessage): unknown[] {
  const errors = message.type === 'error' ? message.payload : (message.payload as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code) : [];
}
