import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ApiGatewayConnectionMessenger } from '../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { FakeManagementApi } from '../test/support/fake-management-api.js';
import { BENCH_CREDENTIALS, loopbackEndpoint } from './client-reuse.bench.js';

export interface MemoryResult {
  posts: number;
  beforeMb: number;
  afterMb: number;
  clients: number;
  /** Whether a real GC ran before each reading (else the numbers are noisier). */
  gcExposed: boolean;
}

/** `npm run bench` runs without --expose-gc; turning the flag on at run time gives a gc() in a new context. */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function heapMb(gc: (() => void) | undefined): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** Heap used after a warm-up and again after `posts` more posts through the same cached client. */
export async function benchMemory(api: FakeManagementApi, posts = 5_000): Promise<MemoryResult> {
  const gc = findGc();
  const endpoint = loopbackEndpoint(api, 'memory');
  const messenger = new ApiGatewayConnectionMessenger({ credentials: BENCH_CREDENTIALS });
  const data = new TextEncoder().encode('{"kind":"memory"}');
  try {
    for (let i = 0; i < 500; i += 1) await messenger.post(endpoint, `warm-${i}`, data);
    // The fake API keeps every request; drop them so only the client's own memory is measured.
    api.reset();
    const beforeMb = heapMb(gc);
    for (let i = 0; i < posts; i += 1) {
      await messenger.post(endpoint, `mem-${i}`, data);
      if (i % 1_000 === 999) api.reset();
    }
    api.reset();
    const afterMb = heapMb(gc);
    return { posts, beforeMb, afterMb, clients: messenger.clientCount, gcExposed: gc !== undefined };
  } finally {
    messenger.close();
  }
}
