import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store.js';
import { describeGroupRepositoryContract } from '../contract/group-repository.contract.js';
import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract.js';

describeGroupRepositoryContract('InMemoryGroupRepository', () => new InMemoryGroupRepository());
describeIdempotencyStoreContract('InMemoryIdempotencyStore', () => new InMemoryIdempotencyStore());
