import { loadRoute, type LoadOptions } from './autocannon-load.js';
import { startChild } from './child-process.js';

/** A server of bench/support/server.child.ts, in its own process. */
export interface BenchServer {
  url: string;
  /** Loads the server's route with autocannon; returns requests/s and the server's CPU (user + system) per request. */
  load(options: LoadOptions): Promise<{ perSecond: number; cpuPerRequest: number }>;
  stop(): Promise<void>;
}

/**
 * Starts one server (`ROLE=hello` or `ROLE=notify`, see server.child.ts) with these variables. A notify server posts
 * to `BENCH_USER`'s one connection, and its loads are authorised `POST /notify`s to that user.
 */
export async function startBenchServer(env: Record<string, string | undefined>): Promise<BenchServer> {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  const child = await startChild<{ url: string }>('./server.child.ts', defined);
  const cpu = async () => {
    const { user, system } = (await child.ask<{ cpu: NodeJS.CpuUsage }>('cpu')).cpu;
    return user + system;
  };
  const notifyUser = env.ROLE === 'notify' ? (env.BENCH_USER ?? 'bench-user') : undefined;
  return {
    url: child.ready.url,
    load: async (options) => {
      const before = await cpu();
      const { perSecond, total } = await loadRoute(child.ready.url, options, notifyUser);
      return { perSecond, cpuPerRequest: ((await cpu()) - before) / total };
    },
    stop: () => child.stop(),
  };
}

/** Starts several servers, stopping those already started if one fails. */
export async function startBenchServers<K extends string>(envs: Record<K, Record<string, string | undefined>>): Promise<Record<K, BenchServer>> {
  const started: Partial<Record<K, BenchServer>> = {};
  try {
    for (const [name, env] of Object.entries(envs) as [K, Record<string, string | undefined>][]) started[name] = await startBenchServer(env);
  } catch (error) {
    await Promise.all(Object.values<BenchServer | undefined>(started).map((s) => s?.stop()));
    throw error;
  }
  return started as Record<K, BenchServer>;
}
