import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { describeConnectionRepositoryContract } from '../contract/connection-repository.contract.js';

describeConnectionRepositoryContract('InMemoryConnectionRepository', () => new InMemoryConnectionRepository());
