import type { FastifyInstance } from 'fastify';
import { issueLocalToken } from '../../adapters/auth/jose-token.issuer.js';
import type { ApiGatewayEmulator } from '../emulator/api-gateway-emulator.js';
import type { LocalStackConfig } from '../local-stack.config.js';
import { bundleWsClientForBrowser } from '../ws-client.bundle.js';
import { consolePlugin } from './console.plugin.js';

/** Adds the console to the local stack's notify service: its first API key, its JWT secret, the emulator's stages. */
export async function registerConsole(
  app: FastifyInstance,
  config: Pick<LocalStackConfig, 'apiKeys' | 'jwtSecret' | 'wsStages'>,
  emulator: Pick<ApiGatewayEmulator, 'wsUrl'>,
): Promise<void> {
  await app.register(consolePlugin, {
    apiKey: config.apiKeys[0] as string,
    websocketUrls: Object.fromEntries(config.wsStages.map((stage) => [stage, emulator.wsUrl(stage)])),
    mintToken: (userId, options) => issueLocalToken(config.jwtSecret, userId, options),
    wsClientScript: () => bundleWsClientForBrowser({ format: 'esm' }),
  });
}
