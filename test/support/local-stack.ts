import { afterAll, beforeAll } from 'vitest';
import { loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { dynamoDbEndpoint, freshTableName } from './dynamodb-local.js';
import { openSocket, type OpenOptions, type TestSocket } from './ws-client.js';

/**
 * The local stack (emulator, real handlers, notify service) of an end-to-end test file, started once in a
 * `beforeAll` and stopped in the `afterAll`, with what every e2e file needs around it: real `ws` sockets that are
 * terminated before the stack stops, and the REST API called with the stack's API key.
 */
export interface E2eStack {
  /** The running stack; valid inside tests and later hooks. */
  readonly stack: LocalStack;
  /** Opens a real socket for `userId` on `stage` (a token minted by the stack, with `claims` if given). */
  connect(userId: string, stage?: string, options?: ConnectOptions): Promise<TestSocket>;
  /** Keeps a socket opened some other way, so that it is terminated before the stack stops. */
  track(...sockets: TestSocket[]): void;
  /** Calls the REST API with the stack's API key; the body parsed as JSON (undefined when empty). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
}

export interface ConnectOptions extends Omit<OpenOptions, 'token'> {
  /** Extra claims of the token, e.g. `{ groups: ['room:*'] }`. */
  claims?: { groups?: string[] };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads any field of any answer
  body: Record<string, any>;
}

export interface E2eStackOptions {
  /** Variables of the stack beyond the defaults (`PORT`/`WS_PORT` 0, `LOG_LEVEL` silent, DynamoDB Local storage). */
  env?: Record<string, string>;
  /** A label for the table name (DynamoDB storage). */
  label?: string;
  /** Timeout of the start-up hook, when the default hook timeout is not enough. */
  startTimeoutMs?: number;
}

/**
 * Registers the hooks of the current file (or describe block) that start a local stack on free ports, storing in
 * a fresh table of the run's DynamoDB Local (unless `env.STORAGE` says otherwise), and stop it.
 */
export function useLocalStack(options: E2eStackOptions = {}): E2eStack {
  let stack: LocalStack | undefined;
  const open: TestSocket[] = [];
  const env = { STORAGE: 'dynamodb', ...options.env };

  beforeAll(async () => {
    stack = await startLocalStack(
      loadLocalStackConfig({
        PORT: '0',
        WS_PORT: '0',
        LOG_LEVEL: 'silent',
        ...(env.STORAGE === 'dynamodb' ? { DYNAMODB_ENDPOINT: dynamoDbEndpoint(), TABLE_NAME: freshTableName(options.label ?? 'e2e') } : {}),
        ...env,
      }),
    );
  }, options.startTimeoutMs);

  afterAll(async () => {
    // Nothing is checked after the last test: the sockets still open are cut without `$disconnect` (as a connection
    // lost inside AWS), instead of one `$disconnect` each against DynamoDB Local while the stack stops (the 1,120
    // sockets of parity.e2e took most of its time that way). npm-start.e2e checks a stop with a socket open.
    if (stack) for (const c of stack.emulator.connections()) stack.emulator.dropConnection(c.connectionId);
    for (const s of open.splice(0)) s.ws.terminate();
    await stack?.stop();
  });

  const running = (): LocalStack => {
    if (!stack) throw new Error('the local stack runs only once beforeAll has started it');
    return stack;
  };

  return {
    get stack() {
      return running();
    },
    async connect(userId, stage = 'dev', { claims, ...openOptions } = {}) {
      const s = running();
      const socket = await openSocket(s.emulator.wsUrl(stage), { ...openOptions, token: await s.token(userId, undefined, claims) });
      open.push(socket);
      return socket;
    },
    track(...sockets) {
      open.push(...sockets);
    },
    async call(method, path, body, headers = {}) {
      const s = running();
      const res = await fetch(`${s.notify.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${s.config.apiKeys[0]}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as ApiAnswer['body'] };
    },
  };
}
