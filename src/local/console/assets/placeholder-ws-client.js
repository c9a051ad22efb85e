// A stand-in for the project's WebSocket client until its browser build is wired in: one socket, a token from
// a callback, no reconnection. Same surface as the console uses: createWsClient({url, token}).on(event, fn).
export function createWsClient({ url, token }) {
  const listeners = new Map();
  const emit = (event, value) => (listeners.get(event) ?? []).forEach((fn) => fn(value));
  let socket;
  let closedByUser = false;
  const groups = new Set();
  Promise.resolve()
    .then(() => token())
    .then((jwt) => {
      if (closedByUser) return;
      const target = new URL(url);
      target.searchParams.set('token', jwt);
      socket = new WebSocket(target);
      socket.addEventListener('open', () => {
        for (const group of groups) socket.send(JSON.stringify({ action: 'join', group }));
        emit('open');
      });
      socket.addEventListener('message', (event) => {
        let data = event.data;
        try {
          data = JSON.parse(event.data);
        } catch {
          // a plain string message
        }
        emit('message', data);
      });
      socket.addEventListener('close', (event) => emit('close', { code: event.code, reason: event.reason }));
    })
    .catch((error) => emit('error', error));
  return {
    on(event, fn) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return this;
    },
    join(group) {
      groups.add(group);
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: 'join', group }));
    },
    close() {
      closedByUser = true;
      socket?.close(1000);
    },
  };
}
