import { describe, expect, it } from 'vitest';
import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import {
  AddUserToGroupUseCase,
  DEFAULT_GROUP_PAGE_SIZE,
  ListGroupUsersUseCase,
  MAX_GROUP_PAGE_SIZE,
  RemoveUserFromGroupUseCase,
} from '../../src/domain/use-cases/group-membership.use-cases.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i).padStart(4, '0')}`);

async function withMembers(n: number) {
  const groups = new InMemoryGroupRepository();
  const add = new AddUserToGroupUseCase(groups);
  for (const id of ids(n)) await add.execute('room', id);
  return { groups, add, list: new ListGroupUsersUseCase(groups), remove: new RemoveUserFromGroupUseCase(groups) };
}

describe('AddUserToGroupUseCase and RemoveUserFromGroupUseCase', () => {
  it('should add a user to a group once however often she joins, and remove her', async () => {
    const f = await withMembers(0);
    await f.add.execute('room', 'alice');
    await f.add.execute('room', 'alice');
    expect(await f.groups.hasUser('room', 'alice')).toBe(true);
    expect((await f.list.execute('room')).items).toEqual(['alice']);
    await f.remove.execute('room', 'alice');
    expect(await f.groups.hasUser('room', 'alice')).toBe(false);
  });

  it('should refuse a bad group name or user id with a VALIDATION_ERROR naming the field, and store nothing', async () => {
    const f = await withMembers(0);
    await expect(f.add.execute('bad group', 'alice')).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'group' });
    await expect(f.add.execute('room', ' ')).rejects.toBeInstanceOf(ValidationError);
    expect((await f.list.execute('room')).items).toEqual([]);
  });
});

describe('ListGroupUsersUseCase', () => {
  it('should list the members by id, a page of the asked size at a time, following the cursor', async () => {
    const f = await withMembers(5);
    const first = await f.list.execute('room', { limit: 2 });
    expect(first.items).toEqual(['u0000', 'u0001']);
    expect(first.cursor).toEqual(expect.any(String));
    const second = await f.list.execute('room', { limit: 2, cursor: first.cursor as string });
    expect(second.items).toEqual(['u0002', 'u0003']);
    const last = await f.list.execute('room', { limit: 2.9, cursor: second.cursor as string });
    expect(last).toEqual({ items: ['u0004'] });
  });

  it('should give at least one member for a limit below 1', async () => {
    const f = await withMembers(3);
    expect((await f.list.execute('room', { limit: 0 })).items).toEqual(['u0000']);
    expect((await f.list.execute('room', { limit: -5 })).items).toEqual(['u0000']);
  });

  it(`should give ${DEFAULT_GROUP_PAGE_SIZE} members by default and at most ${MAX_GROUP_PAGE_SIZE} whatever the limit`, async () => {
    const f = await withMembers(MAX_GROUP_PAGE_SIZE + 1);
    expect((await f.list.execute('room')).items).toHaveLength(DEFAULT_GROUP_PAGE_SIZE);
    const page = await f.list.execute('room', { limit: 5_000 });
    expect(page.items).toHaveLength(MAX_GROUP_PAGE_SIZE);
    expect(page.cursor).toEqual(expect.any(String));
  });

  it('should refuse a bad group name with a VALIDATION_ERROR', async () => {
    const f = await withMembers(1);
    await expect(f.list.execute('no/slash')).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'group' });
  });
});
