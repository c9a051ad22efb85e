import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A template value as cdk-nag prints it in finding ids: `{Ref: X}` → `<X>`, `{Fn::GetAtt: [X, Y]}` →
 * `<X.Y>`, `Fn::Join` concatenated. Lets an acknowledgement name the exact resource it covers.
 */
export function nagValue(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['Fn::Join'])) {
        const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if ('Fn::Sub' in o) return visit(o['Fn::Sub']);
      if (Array.isArray(o['Fn::GetAtt'])) {
        const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
        return `<${visit(resource)}.${visit(attribute)}>`;
      }
      if ('Ref' in o) return `<${visit(o.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}

/** Acknowledges AwsSolutions-IAM5 for exactly these resources (not for any other wildcard). */
export function acknowledgeWildcardResources(construct: IConstruct, resources: readonly string[], reason: string): void {
  Validations.of(construct).acknowledge(
    ...resources.map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${nagValue(construct, resource)}]`, reason })),
  );
}
