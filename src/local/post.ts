import { ApiGatewayConnectionMessenger } from '../adapters/api-gateway/api-gateway-connection.messenger.js';
import { ConfigError } from '../app/config.js';
import { loadLocalStackConfig } from './local-stack.config.js';

/**
 * `npm run post -- <stage> <connectionId> <message>`: posts straight to the local emulator's @connections
 * API of `stage` with the real SDK, the way a hand-written sender would. Posting a `dev` connection through
 * `prod` shows the 403 that socketpost exists to avoid.
 */
async function main(argv: string[]): Promise<number> {
  const [stage, connectionId, ...words] = argv;
  if (!stage || !connectionId || words.length === 0) {
    console.error('usage: npm run post -- <stage> <connectionId> <message>');
    return 2;
  }
  const config = loadLocalStackConfig();
  const messenger = new ApiGatewayConnectionMessenger({ credentials: config.credentials });
  const host = config.wsHost.includes(':') ? `[${config.wsHost}]` : config.wsHost;
  const url = `http://${host}:${config.wsPort}/${encodeURIComponent(stage)}`;
  const result = await messenger.post(
    { apiId: config.wsApiId, domainName: `${host}:${config.wsPort}`, stage, url, region: config.region },
    connectionId,
    new TextEncoder().encode(words.join(' ')),
  );
  messenger.close();
  console.log(JSON.stringify({ endpoint: url, connectionId, ...result }, null, 2));
  return result.status === 'delivered' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
