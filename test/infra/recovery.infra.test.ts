import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraConfigError, readSocketpostConfig, type ContextKey } from '../../infra/config.js';
import { TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/dynamodb-table.js';
import { BASE_CONTEXT, synthesize, type Synthesized } from './synth-fixture.js';

const read = (context: Partial<Record<ContextKey, unknown>>) =>
  readSocketpostConfig((key) => ({ ...BASE_CONTEXT, ...context })[key as keyof typeof BASE_CONTEXT], 'eu-west-1');

describe('message recovery in the CDK app', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ ...BASE_CONTEXT, recoveryWindowSeconds: '300' });
  }, 120_000);
  afterAll(() => s?.cleanup());

  it('should give every Lambda and the notify task RECOVERY_WINDOW_SECONDS from the recoveryWindowSeconds context key', () => {
    const resources = s.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const lambdas = Object.values(s.stack.functions).map(
      (f) => (resources[s.stack.getLogicalId(f.fn.node.defaultChild as never)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    );
    expect(lambdas).toHaveLength(4);
    for (const env of lambdas) expect(env.RECOVERY_WINDOW_SECONDS).toBe('300');
    const [task] = Object.values(resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
    const [container] = task!.Properties.ContainerDefinitions as Array<{ Environment: Array<{ Name: string; Value: unknown }> }>;
    expect(container!.Environment).toContainEqual({ Name: 'RECOVERY_WINDOW_SECONDS', Value: '300' });
  });

  it('should expire logged messages through the table TTL attribute the message log writes', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('should refuse a window outside 1–3600 seconds and leave it to the app default when absent', () => {
    expect(read({}).recoveryWindowSeconds).toBeUndefined();
    expect(() => read({ recoveryWindowSeconds: '0' })).toThrow(InfraConfigError);
    expect(() => read({ recoveryWindowSeconds: '7200' })).toThrow(/recoveryWindowSeconds/);
  });
});
