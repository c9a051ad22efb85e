import type { ManagementEndpointProps } from '../../domain/model/management-endpoint.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';

export class InMemoryEndpointRegistry implements EndpointRegistry {
  private readonly endpoints = new Map<string, ManagementEndpointProps>();
  /** How many writes reached the store (lets tests check the in-process cache). */
  writes = 0;

  async register(endpoint: ManagementEndpointProps): Promise<void> {
    this.writes += 1;
    this.endpoints.set(`${endpoint.apiId}/${endpoint.stage}`, { ...endpoint });
  }

  async find(apiId: string, stage: string): Promise<ManagementEndpointProps | undefined> {
    const found = this.endpoints.get(`${apiId}/${stage}`);
    return found && { ...found };
  }

  async list(): Promise<ManagementEndpointProps[]> {
    return [...this.endpoints.values()].map((e) => ({ ...e }));
  }
}
