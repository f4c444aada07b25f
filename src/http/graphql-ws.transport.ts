import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';

const KEEP_ALIVE_MS = 12_000;
/**
 * Unsent bytes a connection may hold before its sends wait for the socket to
 * drain; then events pile up in the subscription's own bounded buffer, which
 * drops the oldest. A slow client never holds up anyone else.
 */
const HIGH_WATER_BYTES = 1 << 20;

export interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
}

/**
 * graphql-ws on `path` of an http.Server, like graphql-ws's own useServer but
 * built for fan-out: a send does not wait for the kernel to take the bytes
 * (only past HIGH_WATER_BYTES), and every frame a connection gets in one turn
 * of the event loop goes out in one write instead of one system call each.
 */
export function serveGraphQLOverWebSocket(httpServer: Server, path: string, options: ServerOptions<undefined, Extra>): { dispose(): Promise<void> } {
  const server = makeServer<undefined, Extra>(options);
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => handleProtocols(protocols) });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => open(ws, request, socket));
  };
  httpServer.on('upgrade', onUpgrade);

  function open(ws: WebSocket, request: IncomingMessage, raw: Duplex): void {
    let pongWait: NodeJS.Timeout | undefined;
    const ping = setInterval(() => {
      if (ws.readyState !== ws.OPEN) return;
      pongWait = setTimeout(() => ws.terminate(), KEEP_ALIVE_MS);
      ws.once('pong', () => clearTimeout(pongWait));
      ws.ping();
    }, KEEP_ALIVE_MS);
    const closed = server.opened(
      {
        protocol: ws.protocol,
        send: (data) => send(ws, raw, data),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (handle) =>
          ws.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch {
              ws.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket: ws, request },
    );
    ws.on('error', () => ws.terminate());
    ws.once('close', (code, reason) => {
      clearInterval(ping);
      clearTimeout(pongWait);
      void closed(code, String(reason));
    });
  }

  return {
    async dispose() {
      httpServer.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

const corked = new Set<Duplex>();

function send(ws: WebSocket, raw: Duplex, data: string): Promise<void> | void {
  if (ws.readyState !== ws.OPEN) return;
  if (!corked.has(raw)) {
    if (corked.size === 0) setImmediate(uncorkAll);
    raw.cork();
    corked.add(raw);
  }
  if (ws.bufferedAmount < HIGH_WATER_BYTES) {
    ws.send(data);
    return;
  }
  return new Promise((resolve) => ws.send(data, () => resolve()));
}

function uncorkAll(): void {
  for (const raw of corked) raw.uncork();
  corked.clear();
}
