import './quiet-sdk-notice.js';
import 'reflect-metadata';
import { ConfigError } from '../app/config.js';
import { loadLocalStackConfig } from './local-stack.config.js';
import { banner, localStackState, startLocalStack } from './local-stack.js';
import { removeLocalStackState, writeLocalStackState } from './local-stack.state.js';
import { PortInUseError } from './port-in-use.error.js';

/** `npm start`: the whole system on this machine, stopped by Ctrl-C / SIGTERM with nothing left behind. */
async function main(): Promise<void> {
  const config = loadLocalStackConfig();
  const stack = await startLocalStack(config);
  // The local tools (npm run token / post) find this stack's ports and secrets here.
  writeLocalStackState(config.stateFile, localStackState(stack));
  process.on('exit', () => removeLocalStackState(config.stateFile, process.pid));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    removeLocalStackState(config.stateFile, process.pid);
    console.log(`\n${signal}: stopping socketpost local stack…`);
    const force = setTimeout(() => {
      console.error('socketpost: shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    stack.stop().then(
      () => {
        console.log('socketpost local stack stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('socketpost: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The stack stopped itself (DynamoDB Local died twice in a short window): say why, exit non-zero.
  void stack.failed.then((error) => {
    if (stopping) return;
    stopping = true;
    console.error(`socketpost: ${error.message}`);
    process.exit(1);
  });
  // Printed last: whoever reads the banner may signal at once, so the handlers must already be in place.
  console.log(banner(stack));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string } | null)?.code;
  if (error instanceof ConfigError || error instanceof PortInUseError || code === 'JAVA_NOT_FOUND') {
    console.error(`socketpost: ${(error as Error).message}`);
  } else {
    console.error('socketpost: the local stack could not start:', error);
  }
  process.exit(1);
});
