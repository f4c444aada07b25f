import type { WebSocket } from 'ws';

/** The open graphql-ws sockets of each API key, so a revoked key loses its live subscriptions at once. */
export class KeySockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();

  add(keyId: string, socket: WebSocket): void {
    let sockets = this.byKey.get(keyId);
    if (!sockets) this.byKey.set(keyId, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.byKey.get(keyId) === sockets) this.byKey.delete(keyId);
    });
  }

  closeAll(keyId: string, code: number, reason: string): void {
    for (const socket of this.byKey.get(keyId) ?? []) socket.close(code, reason);
  }
}
