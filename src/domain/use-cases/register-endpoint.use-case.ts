import { ManagementEndpoint, type EndpointLocation } from '../model/management-endpoint.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';

/**
 * Records the management endpoint of an API + stage. Idempotent; remembered in-process so that a warm
 * container writes once per API + stage, not on every `$connect`.
 */
export class RegisterEndpointUseCase {
  private readonly registered = new Map<string, string>();

  constructor(
    private readonly registry: EndpointRegistry,
    private readonly defaultRegion: string,
  ) {}

  async execute(location: EndpointLocation): Promise<ManagementEndpoint> {
    const endpoint = ManagementEndpoint.fromRequestContext(location, this.defaultRegion);
    const fingerprint = `${endpoint.url} ${endpoint.region} ${endpoint.domainName}`;
    if (this.registered.get(endpoint.key) !== fingerprint) {
      await this.registry.register(endpoint.toJSON());
      this.registered.set(endpoint.key, fingerprint);
    }
    return endpoint;
  }
}
