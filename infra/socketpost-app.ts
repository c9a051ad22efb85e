import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSocketpostConfig, type SocketpostConfig } from './config.js';
import { SocketpostStack } from './socketpost-stack.js';

export interface SocketpostApp {
  app: App;
  config: SocketpostConfig;
  stack: SocketpostStack;
}

/**
 * Adds the socketpost stack, configured from the app's context, plus the cdk-nag AwsSolutions checks.
 * `defaultRegion` is the CLI's region from the local AWS config (CDK_DEFAULT_REGION).
 */
export function buildSocketpostApp(app: App, defaultRegion?: string): SocketpostApp {
  const config = readSocketpostConfig((key) => app.node.tryGetContext(key), defaultRegion);
  const stack = new SocketpostStack(app, config.stackName, {
    config,
    stackName: config.stackName,
    // Region only: the account is whatever the deploying credentials belong to, and no lookup is needed.
    env: { region: config.region },
    description: describe(config),
  });
  Tags.of(stack).add('project', 'socketpost');
  Tags.of(stack).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, stack };
}

function describe(config: SocketpostConfig): string {
  const { sharedTable } = config;
  const parts = [
    'WebSocket API',
    sharedTable ? `connections recorded in the shared table ${sharedTable.tableName} (${sharedTable.region})` : 'connection table',
    ...(config.notifyService ? ['notify service'] : []),
  ];
  const last = parts.pop()!;
  return `socketpost (${config.stage}): ${parts.join(', ')} and ${last}`;
}
