import './quiet-sdk-notice.js';
import { ApiGatewayConnectionMessenger } from '../adapters/api-gateway/api-gateway-connection.messenger.js';
import { localStateFilePath } from './local-stack.config.js';
import { noStackMessage, readLocalStackState } from './local-stack.state.js';

/**
 * `npm run post -- <stage> <connectionId> <message>`: posts straight to the running local stack's
 * @connections API of `stage` with the real SDK, the way a hand-written sender would. Posting a `dev`
 * connection through `prod` shows the 403 that socketpost exists to avoid. The stack's ports, region and
 * credentials come from the state file `npm start` writes, so no variable is needed in this terminal.
 */
async function main(argv: string[]): Promise<number> {
  const [stage, connectionId, ...words] = argv;
  if (!stage || !connectionId || words.length === 0) {
    console.error('usage: npm run post -- <stage> <connectionId> <message>');
    return 2;
  }
  const lookup = readLocalStackState(localStateFilePath());
  if (!lookup.found) {
    console.error(`socketpost: ${noStackMessage(lookup)}`);
    return 1;
  }
  const { state } = lookup;
  // Any stage name is allowed: an unknown one answers 403 like AWS. The stack's base URL is the same for all.
  const base = new URL(Object.values(state.connectionsUrls)[0] as string);
  const url = `${base.origin}/${encodeURIComponent(stage)}`;
  const messenger = new ApiGatewayConnectionMessenger({ credentials: state.credentials });
  const result = await messenger.post(
    { apiId: state.apiId, domainName: base.host, stage, url, region: state.region },
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
    console.error(error);
    process.exit(1);
  },
);
