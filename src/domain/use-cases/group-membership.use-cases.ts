import { assertGroupName } from '../model/audience.js';
import { isLive, type Connection } from '../model/connection.js';
import { assertUserId } from '../shared/user-id.js';
import type { Clock } from '../../ports/clock.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Page } from '../../ports/page.js';

/** `PUT /groups/:group/users/:userId`: the user (all her sockets, now and later) joins the group. Idempotent. */
export class AddUserToGroupUseCase {
  constructor(private readonly groups: GroupRepository) {}

  async execute(group: string, userId: string): Promise<void> {
    await this.groups.addUser(assertGroupName(group), assertUserId(userId));
  }
}

/** `DELETE /groups/:group/users/:userId`: the user leaves the group. Idempotent. */
export class RemoveUserFromGroupUseCase {
  constructor(private readonly groups: GroupRepository) {}

  async execute(group: string, userId: string): Promise<void> {
    await this.groups.removeUser(assertGroupName(group), assertUserId(userId));
  }
}

export const DEFAULT_GROUP_PAGE_SIZE = 100;
export const MAX_GROUP_PAGE_SIZE = 1_000;

/** `GET /groups/:group/users`: the user members, ordered by id, one page at a time. */
export class ListGroupUsersUseCase {
  constructor(private readonly groups: GroupRepository) {}

  async execute(group: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<string>> {
    const limit = page.limit ?? DEFAULT_GROUP_PAGE_SIZE;
    return this.groups.listUsers(assertGroupName(group), {
      limit: Math.min(Math.max(1, Math.floor(limit)), MAX_GROUP_PAGE_SIZE),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  }
}

/**
 * `GET /groups/:group/connections`: the sockets that joined the group themselves (`{"action":"join"}`), ordered
 * by connection id, one page at a time. A socket past its maximum duration (its record not yet expired) is
 * left out, so a page may hold fewer than `limit`; follow `cursor` until it is absent.
 */
export class ListGroupConnectionsUseCase {
  constructor(
    private readonly groups: GroupRepository,
    private readonly clock: Clock,
  ) {}

  async execute(group: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<Connection>> {
    const limit = page.limit ?? DEFAULT_GROUP_PAGE_SIZE;
    const found = await this.groups.listConnections(assertGroupName(group), {
      limit: Math.min(Math.max(1, Math.floor(limit)), MAX_GROUP_PAGE_SIZE),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
    const now = this.clock.now();
    return { items: found.items.filter((c) => isLive(c, now)), ...(found.cursor ? { cursor: found.cursor } : {}) };
  }
}
