import { InMemoryEndpointRegistry } from '../../src/adapters/memory/in-memory-endpoint.registry.js';
import { describeEndpointRegistryContract } from '../contract/endpoint-registry.contract.js';

describeEndpointRegistryContract('InMemoryEndpointRegistry', () => new InMemoryEndpointRegistry());
