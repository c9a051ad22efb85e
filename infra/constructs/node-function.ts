import { createRequire } from 'node:module';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MAIN_FIELDS, REQUIRE_SHIM } from '../bundling.js';
import { LOCK_FILE, REPO_ROOT } from '../paths.js';

export interface NodeFunctionProps {
  entry: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  memorySize?: number;
}

/** The Lambda runtime the handlers are built for; the Dockerfile uses the same Node major. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/**
 * One handler as a Lambda: bundled locally by esbuild (never Docker), ESM, minified with source maps,
 * arm64, its own log group with retention, and its own role that may only write to that log group.
 */
export class NodeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    assertLocalEsbuild();

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: logs to this function's group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `socketpost ${id} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the version we test is the version we ship.
        externalModules: [],
        mainFields: MAIN_FIELDS,
        banner: REQUIRE_SHIM,
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    this.fn.node.addDependency(this.logGroup);

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 on purpose: the handlers, the notify container and CI run the same Node major; they move together.',
    });
  }
}

/** Fails fast instead of letting NodejsFunction fall back to Docker bundling (no Docker engine here). */
function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` first (socketpost bundles Lambdas locally, never in Docker)');
  }
}
