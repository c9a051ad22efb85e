import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local.launcher.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local shared by the whole run; null when it could not start. */
    dynamoDbEndpoint: string | null;
    /** Why DynamoDB Local could not start (e.g. Java missing); null when it runs. */
    dynamoDbStartError: string | null;
  }
}

let dynamoDbLocal: DynamoDbLocal | undefined;

/**
 * Starts one DynamoDB Local for the whole run (each suite uses its own table). If it cannot start, only
 * the suites that need it fail, with the reason; the others still run. Set DYNAMODB_ENDPOINT to use an
 * instance you run yourself instead.
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external) {
    project.provide('dynamoDbEndpoint', external);
    project.provide('dynamoDbStartError', null);
    return;
  }
  try {
    dynamoDbLocal = await startDynamoDbLocal();
    project.provide('dynamoDbEndpoint', dynamoDbLocal.endpoint);
    project.provide('dynamoDbStartError', null);
  } catch (error) {
    project.provide('dynamoDbEndpoint', null);
    project.provide('dynamoDbStartError', error instanceof Error ? error.message : String(error));
  }
}

export async function teardown(): Promise<void> {
  await dynamoDbLocal?.stop();
  dynamoDbLocal = undefined;
}
