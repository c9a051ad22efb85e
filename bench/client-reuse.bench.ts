import { performance } from 'node:perf_hooks';
import { ApiGatewayConnectionMessenger } from '../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../src/domain/model/management-endpoint.js';
import type { FakeManagementApi } from '../test/support/fake-management-api.js';

export const BENCH_CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

export function loopbackEndpoint(api: FakeManagementApi, stage = 'bench', region = 'eu-west-1'): ManagementEndpointProps {
  return { apiId: 'bench1', domainName: `127.0.0.1:${api.port}`, stage, url: api.endpointUrl(stage), region };
}

export interface ClientReuseResult {
  reusedPerSecond: number;
  newClientPerSecond: number;
  /** reused / new client per post */
  ratio: number;
  failures: number;
}

interface RunLimits {
  /** Rounds of (reused batch, new-client batch), interleaved so load changes on a shared machine hit both sides. */
  rounds: number;
  reusedPerRound: number;
  newPerRound: number;
  /** Stop after this long even if rounds remain, so the run is bounded. */
  maxMs: number;
}

const payload = new TextEncoder().encode('{"kind":"bench","n":1}');

/**
 * Posts sequentially through one cached client, and with a fresh messenger (SDK client + sockets) per post.
 * On loopback over plain HTTP this understates the real gap: a new client against AWS also pays a TLS handshake.
 */
export async function benchClientReuse(
  api: FakeManagementApi,
  limits: RunLimits = { rounds: 20, reusedPerRound: 100, newPerRound: 25, maxMs: 8_000 },
): Promise<ClientReuseResult> {
  const endpoint = loopbackEndpoint(api);
  let failures = 0;
  const count = (status: string) => {
    if (status !== 'delivered') failures += 1;
  };

  const reused = new ApiGatewayConnectionMessenger({ credentials: BENCH_CREDENTIALS });
  const postReused = async (i: number) => count((await reused.post(endpoint, `reused-${i}`, payload)).status);
  const postFresh = async (i: number) => {
    const fresh = new ApiGatewayConnectionMessenger({ credentials: BENCH_CREDENTIALS });
    try {
      count((await fresh.post(endpoint, `fresh-${i}`, payload)).status);
    } finally {
      fresh.close();
    }
  };

  const reusedSide = { posts: 0, ms: 0 };
  const freshSide = { posts: 0, ms: 0 };
  try {
    // Warm-up: module init and the first connection are not what we compare.
    for (let i = 0; i < 20; i += 1) {
      await postReused(-1);
      await postFresh(-1);
    }
    const started = performance.now();
    for (let round = 0; round < limits.rounds && performance.now() - started < limits.maxMs; round += 1) {
      await timeBatch(reusedSide, limits.reusedPerRound, postReused);
      await timeBatch(freshSide, limits.newPerRound, postFresh);
    }
  } finally {
    reused.close();
  }
  api.reset();

  const reusedRate = (reusedSide.posts * 1000) / reusedSide.ms;
  const newRate = (freshSide.posts * 1000) / freshSide.ms;
  return { reusedPerSecond: reusedRate, newClientPerSecond: newRate, ratio: reusedRate / newRate, failures };
}

async function timeBatch(side: { posts: number; ms: number }, posts: number, post: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < posts; i += 1) await post(side.posts + i);
  side.ms += performance.now() - started;
  side.posts += posts;
}
