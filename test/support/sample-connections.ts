import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from '../../src/domain/model/connection.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';

export function aUserId(): string {
  return `user-${randomUUID()}`;
}

/** API Gateway connection ids look like `L0SM9cOFvHcCIhw=`. */
export function aConnectionId(): string {
  return randomBytes(12).toString('base64');
}

export function anEndpoint(apiId: string, stage: string, region: string): ManagementEndpointProps {
  const domainName = `${apiId}.execute-api.${region}.amazonaws.com`;
  return { apiId, domainName, stage, url: `https://${domainName}/${stage}`, region };
}

/**
 * A stored connection with random ids on `abc123/dev` in eu-west-1; `overrides` pin what a test needs.
 * Times are recent: DynamoDB Local enforces the TTL, and would delete an expired item behind a test's back.
 */
export function aConnection(overrides: Partial<Connection> = {}): Connection {
  const connectedAt = Date.now() - Math.floor(Math.random() * 60_000);
  return {
    connectionId: aConnectionId(),
    userId: aUserId(),
    endpoint: anEndpoint('abc123', 'dev', 'eu-west-1'),
    connectedAt,
    expiresAt: Math.floor(connectedAt / 1000) + 2 * 60 * 60 + 300,
    ...overrides,
  };
}
