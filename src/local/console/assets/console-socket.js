// The console's one use of the WebSocket client (served as /console/ws-client.js): open a socket whose token
// comes from a callback, report its events, join groups, close it.
import { createWsClient } from '/console/ws-client.js';

export function openConsoleSocket({ url, token, onOpen, onMessage, onReconnecting, onClose, onError }) {
  const client = createWsClient({ url, token });
  client.on('open', () => onOpen());
  client.on('message', (data) => onMessage(data));
  client.on('reconnecting', (event) => onReconnecting(event.attempt));
  client.on('close', (event) => onClose(event.code, event.reason));
  client.on('error', (error) => onError(error));
  return {
    join: (group) => client.join(group),
    close: () => client.close(),
  };
}
