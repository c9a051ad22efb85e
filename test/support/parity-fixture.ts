import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store.js';
import { ConnectionSender, type SendPolicy } from '../../src/domain/services/connection-sender.js';
import { BroadcastUseCase } from '../../src/domain/use-cases/broadcast.use-case.js';
import { CloseConnectionUseCase } from '../../src/domain/use-cases/close-connection.use-case.js';
import { CloseUserConnectionsUseCase } from '../../src/domain/use-cases/close-user-connections.use-case.js';
import { AddUserToGroupUseCase, ListGroupConnectionsUseCase, ListGroupUsersUseCase } from '../../src/domain/use-cases/group-membership.use-cases.js';
import { NotifyUsersUseCase } from '../../src/domain/use-cases/notify-users.use-case.js';
import { RemoveConnectionUseCase } from '../../src/domain/use-cases/remove-connection.use-case.js';
import { RunIdempotentlyUseCase } from '../../src/domain/use-cases/run-idempotently.use-case.js';
import { SendToConnectionUseCase } from '../../src/domain/use-cases/send-to-connection.use-case.js';
import { SendToGroupUseCase } from '../../src/domain/use-cases/send-to-group.use-case.js';
import { SocketGroupUseCase } from '../../src/domain/use-cases/socket-group.use-case.js';
import { domainFixture } from './domain-fixture.js';

/**
 * The parity use cases on the in-memory adapters, with small pages so that pagination is exercised; `policy`
 * configures the one send path they all share (NotifyUser included).
 */
export function parityFixture(pageSize = 3, policy: Partial<SendPolicy> = {}) {
  const f = domainFixture(policy);
  const groups = new InMemoryGroupRepository();
  const idempotency = new InMemoryIdempotencyStore();
  const sender = new ConnectionSender(f.connections, f.messenger, f.clock, f.logger, groups, { random: () => 0.5, ...policy });
  const fanOut = { concurrency: 4, pageSize };
  const closeConnection = new CloseConnectionUseCase(f.connections, f.messenger, groups);
  return {
    ...f,
    groups,
    idempotency,
    sender,
    notifyUsers: new NotifyUsersUseCase(f.notifyUser),
    sendToConnection: new SendToConnectionUseCase(f.connections, sender),
    closeConnection,
    closeUserConnections: new CloseUserConnectionsUseCase(f.connections, closeConnection),
    addUserToGroup: new AddUserToGroupUseCase(groups),
    listGroupUsers: new ListGroupUsersUseCase(groups),
    listGroupConnections: new ListGroupConnectionsUseCase(groups, f.clock),
    socketGroup: new SocketGroupUseCase(f.connections, groups),
    sendToGroup: new SendToGroupUseCase(groups, f.connections, sender, f.logger, fanOut),
    broadcast: new BroadcastUseCase(f.connections, f.registry, sender, f.logger, { ...fanOut, readers: 2 }),
    removeConnection: new RemoveConnectionUseCase(f.connections, groups),
    runIdempotently: new RunIdempotentlyUseCase(idempotency, f.clock),
  };
}
