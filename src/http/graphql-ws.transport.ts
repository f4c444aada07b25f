import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { SharedEventStream, type SharedResult } from './shared-subscribe';
import { WsOutbox } from './ws-outbox';

const KEEP_ALIVE_MS = 12_000;
/** How long dispose() waits for clients to answer the close frame. */
const CLOSE_WAIT_MS = 3_000;
/**
 * Unsent bytes a connection may hold before its events wait in the subscription's
 * own bounded buffer, which drops the oldest: a slow client never holds up anyone else.
 */
const HIGH_WATER_BYTES = 1 << 20;

export interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
}

export interface TransportOptions extends Omit<ServerOptions<undefined, Extra>, 'onNext' | 'onOperation'> {
  /**
   * Rewrites a result before it is sent (formats its errors, say). It sees the
   * result only: subscribers of the same operation share one result, serialized once.
   */
  formatResult?: (result: ExecutionResult) => FormattedExecutionResult | undefined;
}

/**
 * graphql-ws on `path` of an http.Server, like graphql-ws's own useServer but
 * built for fan-out. graphql-ws runs the protocol; the results of subscriptions
 * from sharedSubscribe() bypass its per-message path: each event is executed and
 * serialized once per distinct operation and queued, as it is published, in every
 * subscriber connection's WsOutbox, with no promise per subscriber and event; a
 * connection's frames of one turn of the event loop go out in one write. A send
 * does not wait for the kernel to take the bytes (only past HIGH_WATER_BYTES).
 */
export function serveGraphQLOverWebSocket(httpServer: Server, path: string, options: TransportOptions): { dispose(): Promise<void> } {
  const { formatResult, ...serverOptions } = options;
  const outboxes = new WeakMap<WebSocket, WsOutbox>();
  // Once per event and operation, for all its subscribers.
  const payloadOf = (shared: SharedResult): Buffer => {
    const result = shared.result!;
    return (shared.serialized ??= Buffer.from(JSON.stringify(formatResult?.(result) ?? withJsonErrors(result))));
  };

  const server = makeServer<undefined, Extra>({
    ...serverOptions,
    onNext: (_ctx, _id, _payload, _args, result) => formatResult?.(result),
    onOperation: (ctx, id, _payload, _args, result) => {
      const { socket } = ctx.extra;
      const outbox = outboxes.get(socket);
      if (result instanceof SharedEventStream && result.pushable && outbox) return pushed(result, socket, outbox, id, payloadOf);
      return undefined;
    },
  });
  // No compression: pushed() writes its frames to the socket itself (see WsOutbox).
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (protocols) => handleProtocols(protocols) });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => open(ws, request, socket));
  };
  httpServer.on('upgrade', onUpgrade);

  function open(ws: WebSocket, request: IncomingMessage, raw: Duplex): void {
    const outbox = new WsOutbox(raw, () => ws.readyState === ws.OPEN);
    outboxes.set(ws, outbox);
    // Nothing may follow the close frame.
    const close = (code: number, reason: string) => {
      outbox.flush();
      ws.close(code, reason);
    };
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
        send: (data) => {
          // After the frames already queued for this connection.
          outbox.flush();
          return send(ws, raw, data);
        },
        close,
        onMessage: (handle) =>
          ws.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (err) {
              // graphql-ws throws on a message type only a server sends (connection_ack, next, error): the client's mistake.
              if (err instanceof Error && err.message.startsWith('Unexpected message of type')) close(CloseCode.BadRequest, 'Invalid message received');
              else close(CloseCode.InternalServerError, 'Internal server error');
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
      for (const client of wss.clients) {
        outboxes.get(client)?.flush();
        client.close(1001, 'Going away');
      }
      // A client that never answers the close frame is cut off instead of holding up shutdown.
      const cutOff = setTimeout(() => wss.clients.forEach((client) => client.terminate()), CLOSE_WAIT_MS);
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
      clearTimeout(cutOff);
    },
  };
}

/** What graphql-ws itself sends for a result: errors as their JSON form. */
function withJsonErrors(result: ExecutionResult): FormattedExecutionResult {
  const { errors, ...rest } = result;
  return errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest;
}

/**
 * The subscription as graphql-ws sees it: an iterator that yields nothing and ends
 * when the subscription does, while the stream pushes each result to the
 * connection's outbox. While the connection holds HIGH_WATER_BYTES unsent, later
 * events wait in the subscription's bounded buffer.
 */
function pushed(stream: SharedEventStream, ws: WebSocket, outbox: WsOutbox, id: string, payloadOf: (shared: SharedResult) => Buffer): AsyncGenerator<never> {
  const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  let backedUp = false;
  let started = false;
  let end!: (result: IteratorReturnResult<undefined>) => void;
  let reject!: (err: unknown) => void;
  const ended = new Promise<IteratorReturnResult<undefined>>((res, rej) => ((end = res), (reject = rej)));
  const done = async (): Promise<IteratorReturnResult<undefined>> => {
    await stream.return();
    end({ done: true, value: undefined });
    return { done: true, value: undefined };
  };
  // graphql-ws stops iterating on a rejected next() without calling return(): end the source here.
  const fail = (err: unknown) => void done().finally(() => reject(err));
  const drained = () => {
    backedUp = false;
    stream.resume();
  };
  const deliver = (shared: SharedResult) => {
    if (ws.readyState !== ws.OPEN) return;
    backedUp = ws.bufferedAmount + outbox.pending >= HIGH_WATER_BYTES;
    outbox.add(head, payloadOf(shared), CLOSE_BRACE, backedUp ? drained : undefined);
  };

  return {
    next() {
      if (!started) {
        started = true;
        stream.pushTo(() => !backedUp, deliver, fail);
      }
      return ended;
    },
    return: done,
    async throw(err: unknown) {
      await done();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async [Symbol.asyncDispose]() {
      await done();
    },
  };
}

const CLOSE_BRACE = Buffer.from('}');

const corked = new Set<Duplex>();

/** Holds a socket's writes until the event loop's next turn, so they leave in one system call. */
function corkForThisTurn(raw: Duplex): void {
  if (corked.has(raw)) return;
  if (corked.size === 0) setImmediate(uncorkAll);
  raw.cork();
  corked.add(raw);
}

function send(ws: WebSocket, raw: Duplex, data: string): Promise<void> | void {
  if (ws.readyState !== ws.OPEN) return;
  corkForThisTurn(raw);
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
