import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { startChild, type BenchChild } from './child-process.js';

export interface Sink {
  port: number;
  origin: string;
  /** A management endpoint whose `@connections` URL is the sink. */
  endpoint(stage?: string): ManagementEndpointProps;
  stop(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const child: BenchChild<{ port: number }> = await startChild('./sink.server.ts');
  const { port } = child.ready;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    endpoint: (stage = 'bench') => ({ apiId: 'bench1', domainName: `127.0.0.1:${port}`, stage, url: `${origin}/${stage}`, region: 'eu-west-1' }),
    stop: () => child.stop(),
  };
}
