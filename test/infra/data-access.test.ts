import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_ROLES, DATA_ACCESS, INDEXES, LEADING_KEYS, type AccessRole } from '../../infra/data-access.js';
import { HANDLERS } from '../../infra/paths.js';
import { actionsOf, CodeCalls, type EntryPoint, type UsedActions } from './code-calls.js';

/**
 * Where each role's code starts: the handler factories (not the `handler` exports, which build the whole
 * container) and the notify service's Fastify app.
 */
const ENTRY_POINTS: Record<AccessRole, EntryPoint[]> = {
  authorizer: [{ file: HANDLERS.authorizer, name: 'createAuthorizerHandler' }],
  connect: [{ file: HANDLERS.connect, name: 'createConnectHandler' }],
  disconnect: [{ file: HANDLERS.disconnect, name: 'createDisconnectHandler' }],
  default: [{ file: HANDLERS.default, name: 'createDefaultHandler' }],
  task: [{ file: 'src/app/app.ts', name: 'buildApp' }],
};

/**
 * The partition key kind each value of the table layout builds or reads (`dynamodb:LeadingKeys` patterns).
 * A new key kind in `dynamodb-table.ts` needs a line here, and then in LEADING_KEYS.
 */
const KEY_KINDS: Record<string, string | undefined> = {
  userConnectionKey: 'USER#*',
  USER_PREFIX: 'USER#*',
  connectionIdKey: 'CONN#*',
  CONNECTION_PREFIX: 'CONN#*',
  endpointKey: 'ENDPOINT',
  ENDPOINT_PARTITION: 'ENDPOINT',
  HEALTH_CHECK_KEY: 'HEALTH',
  GROUP_PREFIX: 'GROUP#*',
  IDEMPOTENCY_PREFIX: 'IDEMPOTENCY#*',
  MESSAGE_LOG_PREFIX: 'MSGLOG#*',
  // Used by table administration (ensureTable) only, never a key of a data call.
  TABLE_KEYS: undefined,
  // Attribute names and shard arithmetic: no key of their own.
  TTL_ATTRIBUTE: undefined,
  BROADCAST_INDEX: undefined,
  STAGE_SHARDS: undefined,
  stageShardOf: undefined,
};

/**
 * Values that build the partition keys of an index, not of the table: they count as a key kind only for a
 * role that Queries that index (INDEXES). `$connect` writes the shard key as a plain attribute of the id item.
 */
const INDEX_KEY_KINDS: Record<string, { index: string; kind: string }> = {
  stageShardKey: { index: 'broadcast', kind: 'BCAST#*' },
  BROADCAST_SHARD_PREFIX: { index: 'broadcast', kind: 'BCAST#*' },
};

/** The table's actions of one role, in the form the code analysis reports them. */
function declared(role: AccessRole, table = DATA_ACCESS): string[] {
  return [...new Set(table.filter((grant) => grant.role === role).map((grant) => grant.action))].sort();
}

/** What the table grants that the code does not call, and what the code calls that the table does not grant. */
function compare(used: readonly string[], granted: readonly string[]) {
  return {
    grantedButNotCalled: granted.filter((a) => !used.includes(a)),
    calledButNotGranted: used.filter((a) => !granted.includes(a)),
  };
}

describe('data access per role (infra/data-access.ts) against the code', { timeout: 120_000 }, () => {
  let used: Record<AccessRole, UsedActions>;
  let layout: Record<AccessRole, string[]>;

  beforeAll(() => {
    const code = new CodeCalls(Object.values(ENTRY_POINTS).flatMap((entries) => entries.map((e) => e.file)));
    const reached = Object.fromEntries(ACCESS_ROLES.map((role) => [role, code.reach(ENTRY_POINTS[role])]));
    used = Object.fromEntries(ACCESS_ROLES.map((role) => [role, actionsOf(reached[role]!)])) as Record<AccessRole, UsedActions>;
    layout = Object.fromEntries(ACCESS_ROLES.map((role) => [role, [...reached[role]!.tableLayout].sort()])) as Record<AccessRole, string[]>;
  }, 120_000);

  it.each(ACCESS_ROLES)('should let the %s role reach exactly the key kinds its code builds', (role) => {
    const unknown = layout[role].filter((name) => !(name in KEY_KINDS) && !(name in INDEX_KEY_KINDS));
    expect(unknown, `values of dynamodb-table.ts with no key kind in KEY_KINDS`).toEqual([]);
    const indexes = INDEXES[role].map((grant) => grant.index);
    const kinds = [
      ...new Set(
        layout[role].map((name) => {
          const ofIndex = INDEX_KEY_KINDS[name];
          return ofIndex ? (indexes.includes(ofIndex.index) ? ofIndex.kind : undefined) : KEY_KINDS[name];
        }),
      ),
    ].filter((kind) => kind !== undefined);
    const granted = [...LEADING_KEYS[role], ...INDEXES[role].flatMap((grant) => grant.leadingKeys)];
    expect(kinds.sort()).toEqual([...new Set(granted)].sort());
  });

  it.each(ACCESS_ROLES)('should let the %s role Query only the indexes its code builds keys of', (role) => {
    for (const { index } of INDEXES[role]) {
      const names = Object.entries(INDEX_KEY_KINDS).filter(([, of]) => of.index === index).map(([name]) => name);
      expect(layout[role].some((name) => names.includes(name)), `${role} reads index ${index}`).toBe(true);
      expect(used[role].actions).toContain('dynamodb:Query');
    }
  });

  it.each(ACCESS_ROLES)('should grant the %s role exactly the calls its code makes', (role) => {
    expect(used[role].unknownCommands, `AWS SDK commands of ${role} with no IAM mapping in code-calls.ts`).toEqual([]);
    expect(compare(used[role].actions, declared(role))).toEqual({ grantedButNotCalled: [], calledButNotGranted: [] });
  });

  it('should find the calls the issue names, so the analysis really follows the code', () => {
    expect(used.connect.actions).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(used.disconnect.actions).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(used.task.actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'execute-api:ManageConnections:POST']),
    );
    expect(used.default.actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'execute-api:ManageConnections:POST',
    ]);
    expect(used.authorizer.actions).toEqual([]);
  });

  it('should report a grant without a call and a call without a grant', () => {
    const extra = [...DATA_ACCESS, { role: 'disconnect' as const, action: 'dynamodb:Scan' as const, why: 'nothing calls it' }];
    expect(compare(used.disconnect.actions, declared('disconnect', extra)).grantedButNotCalled).toEqual(['dynamodb:Scan']);
    const missing = DATA_ACCESS.filter((g) => !(g.role === 'task' && g.action === 'dynamodb:Query'));
    expect(compare(used.task.actions, declared('task', missing)).calledButNotGranted).toEqual(['dynamodb:Query']);
  });

  it('should say why for every line, and name only known roles', () => {
    for (const grant of DATA_ACCESS) {
      expect(ACCESS_ROLES).toContain(grant.role);
      expect(grant.why.length, `${grant.role} ${grant.action}`).toBeGreaterThan(15);
    }
  });
});
