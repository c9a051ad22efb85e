import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildSocketpostApp, type SocketpostApp } from '../../infra/socketpost-app.js';

export interface Synthesized extends SocketpostApp {
  template: Template;
  outdir: string;
  /** Removes the cloud assembly written for this synth. */
  cleanup(): void;
}

/**
 * Synthesizes the real app (real bundling with the local esbuild, Docker asset staged, cdk-nag plugin
 * attached) into a temporary directory, once per test file.
 */
export function synthesize(context: Record<string, unknown>): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'socketpost-cdk-'));
  const app = new App({ outdir, context });
  const built = buildSocketpostApp(app);
  const template = Template.fromStack(built.stack);
  return { ...built, template, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

export const BASE_CONTEXT = {
  region: 'eu-west-1',
  stage: 'dev',
  jwtJwksUrl: 'https://auth.example.com/.well-known/jwks.json',
  jwtIssuer: 'https://auth.example.com/',
  jwtAudience: 'socketpost',
};

/** A template value as one string: `Fn::Join` concatenated, `{Ref: X}` → `${X}`. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [delimiter, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(delimiter);
  }
  if (typeof o.Ref === 'string') return `\${${o.Ref}}`;
  return JSON.stringify(value);
}

/** Every resource of every Allow statement granting `action`, flattened. */
export function resourcesGranted(template: Template, action: string): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: unknown; Effect: string; Resource: unknown }[])
      .filter((st) => st.Effect === 'Allow' && [st.Action].flat().includes(action))
      .flatMap((st) => [st.Resource].flat().map(flat)),
  );
}

/** cdk-nag AwsSolutions findings left after the acknowledgements, as `rule (severity) at path`. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} (${v.severity ?? 'error'}) at ${r.constructPath ?? r.resourceLogicalId}`),
  );
}

/** Every `Validations.of(x).acknowledge()` in the tree, with the path it was made on. */
export function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { [qualified id]: reason }; the qualifier names the plugin (e.g. `AwsSolutions::`).
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^[\w-]+::(?=AwsSolutions-)/, ''), reason })),
  );
}
