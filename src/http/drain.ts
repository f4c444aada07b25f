import type http from 'node:http';
import net from 'node:net';
import type { RequestHandler } from 'express';

/**
 * Lets a busy event loop read what clients sent before the signal: accepting a
 * connection and parsing a request happen in the poll phase, which a long
 * scoring run can hold up.
 */
const SETTLE_MS = 25;
/** After the last request under way finishes: time for one that was read at that moment to start. */
const QUIET_MS = 50;

/**
 * Graceful stop of the HTTP side: stop accepting connections, answer every
 * request under way or already sent on an open connection (a predict batch is
 * stored or held before its answer leaves), then close what is left.
 * WebSockets are not HTTP requests here: the caller closes them after this, so
 * subscribers still get the events of the last batches.
 */
export class HttpDrain {
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;

  constructor(private readonly server: http.Server) {
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      this.inFlight++;
      res.once('close', () => {
        this.inFlight--;
        if (this.inFlight === 0) this.idle?.();
      });
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** While draining, every answer closes its connection: a keep-alive client reconnects elsewhere. */
  closeConnectionsWhileDraining(): RequestHandler {
    return (_req, res, next) => {
      if (this.draining) res.setHeader('Connection', 'close');
      next();
    };
  }

  /** Resolves once every request has been answered, or after `timeoutMs` (those left are cut off). */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    await sleep(SETTLE_MS);
    // The listening socket only. http.Server#close() would also drop every connection
    // without a request under way, including one whose request is sent but not yet read.
    net.Server.prototype.close.call(this.server);
    do {
      await this.noneInFlight(deadline - Date.now());
      await sleep(QUIET_MS);
    } while (this.inFlight > 0 && Date.now() < deadline);
    // HTTP connections only: upgraded WebSockets are no longer tracked by the http server.
    this.server.closeAllConnections();
    // Now http's own close() has nothing left to drop; it stops its connection-timeout checks.
    this.server.close();
  }

  private noneInFlight(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0 || timeoutMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idle = done;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
