import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  type IVpc,
  Peer,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  type CfnService,
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  type ApplicationTargetGroup,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { NotifyServiceSettings } from '../config.js';
import { REPO_ROOT } from '../paths.js';
import { grantTableItems } from './connections-table.js';
import { type ApiStageRef, type ConnectionsMethod, grantManageConnections } from './manage-connections.js';

export interface NotifyServiceProps {
  settings: NotifyServiceSettings;
  table: ITableV2;
  /** API stages the service posts to: this stack's own first, then any extra stage or region. */
  managementTargets: ApiStageRef[];
  /** The environment every socketpost process shares (storage, table, log level, tuning). */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Bring your own VPC (private subnets with egress); a 2-AZ VPC is created otherwise. */
  vpc?: IVpc;
}

/** The port the server listens on inside the container (`PORT`). */
export const CONTAINER_PORT = 3000;
export const HEALTH_CHECK_PATH = '/healthz';
/** Address range of the VPC this construct creates. */
export const VPC_CIDR = '10.40.0.0/16';
/** The notify service sends (POST), reads (GET) and closes (DELETE) connections. */
export const NOTIFY_METHODS: readonly ConnectionsMethod[] = ['POST', 'GET', 'DELETE'];

/** slim images have no curl: Node's own fetch probes the liveness route. */
const CONTAINER_HEALTH_COMMAND = `node -e "fetch('http://127.0.0.1:${CONTAINER_PORT}${HEALTH_CHECK_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;

/**
 * The REST notify service on ECS Fargate behind an Application Load Balancer (internal by default),
 * built from the repository's Dockerfile, with its API keys injected from Secrets Manager.
 */
export class NotifyService extends Construct {
  readonly vpc: IVpc;
  readonly service: FargateService;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly apiKeys: ISecret;
  readonly url: string;

  constructor(scope: Construct, id: string, props: NotifyServiceProps) {
    super(scope, id);
    const { settings } = props;
    this.vpc = props.vpc ?? this.createVpc(settings.natGateways, props.logRetention);

    this.apiKeys = settings.apiKeysSecretArn
      ? Secret.fromSecretCompleteArn(this, 'ApiKeys', settings.apiKeysSecretArn)
      : this.createApiKeysSecret();

    const cluster = new Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    const arm = settings.architecture === 'arm64';
    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: arm ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    taskDefinition.addContainer('notify', {
      image: ContainerImage.fromAsset(REPO_ROOT, {
        file: 'Dockerfile',
        platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
      }),
      environment: { ...props.environment, PORT: String(CONTAINER_PORT), HOST: '0.0.0.0' },
      // Never plain text in the template: ECS reads the secret when it starts the task.
      secrets: { NOTIFY_API_KEYS: EcsSecret.fromSecretsManager(this.apiKeys) },
      portMappings: [{ containerPort: CONTAINER_PORT }],
      logging: LogDrivers.awsLogs({ streamPrefix: 'notify', logGroup }),
      readonlyRootFilesystem: true,
      healthCheck: {
        command: ['CMD-SHELL', CONTAINER_HEALTH_COMMAND],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      stopTimeout: Duration.seconds(30),
    });
    grantTableItems(props.table, taskDefinition.taskRole, { withBroadcastIndex: true });
    grantManageConnections(taskDefinition.taskRole, props.managementTargets, NOTIFY_METHODS);

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: settings.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    // Keep the tasks spread over the AZs when one comes back after an outage.
    (this.service.node.defaultChild as CfnService).availabilityZoneRebalancing = 'ENABLED';

    this.loadBalancer = this.createLoadBalancer(settings);
    const https = settings.certificateArn !== undefined;
    const listener = this.loadBalancer.addListener('Listener', {
      port: https ? 443 : 80,
      protocol: https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP,
      ...(https
        ? {
            certificates: [Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn!)],
            sslPolicy: SslPolicy.RECOMMENDED_TLS,
          }
        : {}),
      open: false,
    });
    // A literal CIDR for our own VPC, so the rule is readable (and checkable) in the template.
    const vpcCidr = props.vpc ? this.vpc.vpcCidrBlock : VPC_CIDR;
    const cidrs = settings.allowedCidrs ?? [settings.internetFacing ? '0.0.0.0/0' : vpcCidr];
    for (const cidr of cidrs) listener.connections.allowDefaultPortFrom(Peer.ipv4(cidr), 'notify API clients');
    if (cidrs.some((cidr) => Token.isUnresolved(cidr))) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: "Ingress is the given VPC's own CIDR, only known at deploy time.",
      });
    }

    this.targetGroup = listener.addTargets('Notify', {
      port: CONTAINER_PORT,
      protocol: ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: HEALTH_CHECK_PATH, healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minTasks, maxCapacity: settings.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: settings.cpuTargetPercent });
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: settings.requestsPerTarget, targetGroup: this.targetGroup });

    this.url = `${https ? 'https' : 'http'}://${this.loadBalancer.loadBalancerDnsName}`;

    if (taskDefinition.executionRole) {
      Validations.of(taskDefinition.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; image pulls and the secret are scoped to their ARNs.',
      });
    }
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings (storage, table name, log level, port) are plain environment; the API keys come from Secrets Manager.',
    });
    if (settings.internetFacing && !settings.allowedCidrs) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'internetFacing was chosen: the HTTPS listener is open to callers anywhere, and every request needs an API key.',
      });
    }
  }

  private createVpc(natGateways: number, logRetention: RetentionDays): Vpc {
    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    return new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // DynamoDB through a free gateway endpoint. No execute-api interface endpoint on purpose: with
      // private DNS it captures *.execute-api hosts, and posting to a public API through it answers 403.
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });
  }

  private createApiKeysSecret(): Secret {
    const secret = new Secret(this, 'ApiKeys', {
      description: 'socketpost notify API keys (comma-separated); injected as NOTIFY_API_KEYS',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The keys are shared with calling services, so rotation is a coordinated manual step: add the new key next to the old one (comma-separated), move the callers, then drop the old key.',
    });
    return secret;
  }

  private createLoadBalancer(settings: NotifyServiceSettings): ApplicationLoadBalancer {
    const alb = new ApplicationLoadBalancer(this, 'Alb', {
      vpc: this.vpc,
      internetFacing: settings.internetFacing,
      vpcSubnets: { subnetType: settings.internetFacing ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS },
      dropInvalidHeaderFields: true,
    });
    const logs = new Bucket(this, 'AlbAccessLogs', {
      // ALB access logs only support SSE-S3.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    alb.logAccessLogs(logs, 'alb');
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds access logs itself; logging it would need yet another log bucket.',
    });
    return alb;
  }
}
