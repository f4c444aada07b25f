import type http from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * Graceful stop of the HTTP side: stop accepting, let the requests under way
 * finish (a predict batch is stored or held before its answer leaves), then
 * close what is left. WebSockets are not HTTP requests here: the caller closes
 * them after this, so subscribers still get the events of the last batches.
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

  /** A request that still arrives on an open keep-alive connection while draining gets 503 SHUTTING_DOWN, and its connection closes. */
  refuseWhileDraining(): RequestHandler {
    return (_req, res, next) => {
      if (!this.draining) return next();
      res.setHeader('Connection', 'close');
      next(new AppError(ErrorCode.SHUTTING_DOWN, 'The server is shutting down; retry on another instance or after restart'));
    };
  }

  /** Resolves once every request under way has been answered, or after `timeoutMs` (those left are cut off). */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    // No new connections; idle keep-alive connections close now, busy ones once answered (below).
    this.server.close();
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // HTTP connections only: upgraded WebSockets are no longer tracked by the http server.
    this.server.closeAllConnections();
  }
}
