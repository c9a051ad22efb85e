import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryLogger } from '../support/silent-logger.js';

const credentials = { accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'test-secret' };

/** Two "regions", each its own fake management API; each answers only for the stages deployed there. */
let euApi: FakeManagementApi;
let usApi: FakeManagementApi;
let messenger: ApiGatewayConnectionMessenger;

beforeAll(async () => {
  euApi = await startFakeManagementApi({ stages: ['dev', 'prod'] });
  usApi = await startFakeManagementApi({ stages: ['prod'] });
  messenger = new ApiGatewayConnectionMessenger({ credentials, requestTimeoutMs: 2_000 });
});

afterEach(() => {
  euApi.reset();
  usApi.reset();
});

afterAll(async () => {
  messenger.close();
  await Promise.all([euApi.close(), usApi.close()]);
});

function endpointOn(api: FakeManagementApi, stage: string, region: string): ManagementEndpoint {
  // The same path a $connect takes: the loopback domain of the emulator, its stage, the configured region.
  return ManagementEndpoint.fromRequestContext({ apiId: 'abc123', domainName: `127.0.0.1:${api.port}`, stage }, region);
}

/** A connection opened a minute ago: well past the connect grace, so a 410 means it is gone. */
function connection(connectionId: string, endpoint: ManagementEndpoint, clock: ManualClock): Connection {
  const connectedAt = clock.now() - 60_000;
  return {
    connectionId,
    userId: 'user-1',
    endpoint: endpoint.toJSON(),
    connectedAt,
    expiresAt: Math.floor(connectedAt / 1000) + 2 * 60 * 60 + 300,
  };
}

function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/execute-api\/aws4_request/.exec(authorization ?? '')?.[1];
}

async function setup(connections: (clock: ManualClock) => Connection[]) {
  const clock = new ManualClock();
  const repository = new InMemoryConnectionRepository();
  for (const c of connections(clock)) await repository.save(c);
  const logger = new MemoryLogger();
  const notify = new NotifyUserUseCase(repository, messenger, clock, logger, {
    concurrency: 4,
    backoff: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
    random: () => 0.5,
  });
  return { clock, repository, logger, notify };
}

describe('NotifyUserUseCase with the API Gateway messenger', () => {
  it('should deliver, prune and fail per connection as each endpoint answers', async () => {
    const { repository, notify } = await setup((clock) => [
      connection('dev-eu=', endpointOn(euApi, 'dev', 'eu-west-1'), clock),
      connection('prod-eu/', endpointOn(euApi, 'prod', 'eu-west-1'), clock),
      connection('prod-us', endpointOn(usApi, 'prod', 'us-east-1'), clock),
    ]);
    euApi.setBehaviour('prod-eu/', { status: 410 });
    usApi.setBehaviour('prod-us', { status: 500, errorTypeHeader: false });

    const report = await notify.execute({ userId: 'user-1', message: { kind: 'greeting', text: 'hé' } });

    expect(report).toMatchObject({ userId: 'user-1', delivered: 1, gone: 1, failed: 1 });
    const byId = new Map(report.connections.map((c) => [c.connectionId, c]));
    expect(byId.get('dev-eu=')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byId.get('prod-eu/')).toMatchObject({ status: 'gone', attempts: 1 });
    expect(byId.get('prod-us')).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });

    // The 410 connection is pruned; the others stay.
    expect((await repository.findByUser('user-1')).map((c) => c.connectionId).sort()).toEqual(['dev-eu=', 'prod-us']);

    // Each post went to the stage and region its connection was opened on, with the exact JSON bytes.
    const delivered = euApi.requestsFor('dev-eu=');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.stage).toBe('dev');
    expect(delivered[0]?.body.toString('utf8')).toBe('{"kind":"greeting","text":"hé"}');
    expect(signedRegion(delivered[0]?.headers.authorization)).toBe('eu-west-1');
    expect(euApi.requestsFor('prod-eu/').map((r) => r.stage)).toEqual(['prod']);
    const us = usApi.requestsFor('prod-us');
    expect(us).toHaveLength(3);
    expect(us.every((r) => r.stage === 'prod' && signedRegion(r.headers.authorization) === 'us-east-1')).toBe(true);
  });

  it('should deliver after 3 attempts when the endpoint throttles twice', async () => {
    const { clock, notify } = await setup((c) => [connection('busy', endpointOn(euApi, 'prod', 'eu-west-1'), c)]);
    euApi.setBehaviour('busy', { status: 200, failFirst: { times: 2, status: 429 } });

    const report = await notify.execute({ userId: 'user-1', message: 'hello' });

    expect(report.connections).toEqual([{ connectionId: 'busy', status: 'delivered', attempts: 3 }]);
    expect(euApi.requestsFor('busy')).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('should retry a throttle that carries no x-amzn-ErrorType header, by its status code', async () => {
    const { notify } = await setup((c) => [connection('busy', endpointOn(euApi, 'prod', 'eu-west-1'), c)]);
    euApi.setBehaviour('busy', { status: 200, failFirst: { times: 1, status: 429, errorTypeHeader: false } });

    const report = await notify.execute({ userId: 'user-1', message: 'hello' });

    expect(report.connections[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('should fail a connection recorded on a stage the API does not serve with FORBIDDEN, without retrying or pruning', async () => {
    // The seed bug: posting through a stage other than the connection's answers 403.
    const { repository, notify } = await setup((c) => [connection('wrong-stage', endpointOn(usApi, 'dev', 'us-east-1'), c)]);

    const report = await notify.execute({ userId: 'user-1', message: 'hello' });

    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'FORBIDDEN' } });
    expect(report.connections[0]?.error?.message).toContain(`${usApi.endpointUrl('dev')}/@connections`);
    expect(usApi.requests).toHaveLength(1);
    expect(await repository.findById('wrong-stage')).toBeDefined();
  });
});
