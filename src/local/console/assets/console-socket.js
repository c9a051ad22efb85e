// The console's one use of the project's WebSocket client (src/clients/ws-client.ts, served as its browser
// build at /console/ws-client.js): a token from a callback on every connect, reconnection with backoff,
// heartbeat, rotation before the 2-hour limit, groups joined again, and message recovery when asked for.
import { SocketpostWsClient } from '/console/ws-client.js';

export function openConsoleSocket({ url, token, recovery, onOpen, onMessage, onReconnecting, onClose, onError }) {
  const client = new SocketpostWsClient({ url, token, ...(recovery ? { recovery: true } : {}) });
  client.on('open', (event) => onOpen(event.reason, event.protocol));
  client.on('message', (event) => onMessage(event.data, event.seq));
  client.on('reconnecting', (event) => onReconnecting(event.attempt, event.code));
  client.on('close', (event) => onClose(event.code, event.reason));
  client.on('error', (error) => onError(error));
  return {
    /** Resolves once the service confirms the join; rejects with its reason (e.g. the token's groups claim). */
    join: (group) => client.join(group),
    close: () => client.close(1000, 'closed from the console'),
  };
}
