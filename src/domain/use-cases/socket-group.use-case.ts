import { GROUP_NAME_PATTERN } from '../model/audience.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';

export interface SocketGroupCommand {
  connectionId: string;
  action: 'join' | 'leave';
  group: unknown;
  /** The groups the socket's token allows (its `groups` claim); `"*"` allows every group. */
  allowedGroups: readonly string[];
}

/** The answer sent back to the socket. */
export type SocketGroupReply =
  | { type: 'joined' | 'left'; group: string }
  | { type: 'error'; code: 'FORBIDDEN_GROUP' | 'INVALID_GROUP' | 'CONNECTION_NOT_FOUND'; group?: string; message: string };

/**
 * A socket joins or leaves a group itself (`{"action":"join","group":"g"}` on the default route), if its
 * token's `groups` claim allows that group. Its memberships end at `$disconnect`.
 */
export class SocketGroupUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly groups: GroupRepository,
  ) {}

  async execute(command: SocketGroupCommand): Promise<SocketGroupReply> {
    const { group } = command;
    if (typeof group !== 'string' || !GROUP_NAME_PATTERN.test(group)) {
      return { type: 'error', code: 'INVALID_GROUP', message: 'group must be 1–128 characters of A-Z a-z 0-9 . _ : -' };
    }
    if (command.action === 'leave') {
      await this.groups.removeConnection(group, command.connectionId);
      return { type: 'left', group };
    }
    if (!command.allowedGroups.includes('*') && !command.allowedGroups.includes(group)) {
      return { type: 'error', code: 'FORBIDDEN_GROUP', group, message: `your token's groups claim does not allow group "${group}"` };
    }
    const connection = await this.connections.findById(command.connectionId);
    if (!connection) return { type: 'error', code: 'CONNECTION_NOT_FOUND', message: 'this connection is not recorded; reconnect' };
    await this.groups.addConnection(group, connection);
    return { type: 'joined', group };
  }
}
