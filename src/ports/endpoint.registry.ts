import type { ManagementEndpointProps } from '../domain/model/management-endpoint.js';

/** Remembers the management endpoint of every API + stage that has seen a connection. */
export interface EndpointRegistry {
  /** Creates or replaces the endpoint stored for `apiId` + `stage`. Idempotent. */
  register(endpoint: ManagementEndpointProps): Promise<void>;
  find(apiId: string, stage: string): Promise<ManagementEndpointProps | undefined>;
  list(): Promise<ManagementEndpointProps[]>;
}

export const ENDPOINT_REGISTRY = Symbol.for('socketpost.EndpointRegistry');
