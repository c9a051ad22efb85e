import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  type IPeer,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
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
  ListenerAction,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_VPC_CIDR, type ContainerImageRef, type NotifyServiceSettings } from '../config.js';
import { REPO_ROOT } from '../paths.js';
import { DynamoDbPrefixList } from './dynamodb-prefix-list.js';

export interface NotifyServiceProps {
  settings: NotifyServiceSettings;
  /** The environment every socketpost process shares (storage, table, log level, tuning). */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Bring your own VPC (private subnets with egress); a 2-AZ VPC is created otherwise. */
  vpc?: IVpc;
}

/** The port the server listens on inside the container (`PORT`). */
export const CONTAINER_PORT = 3000;
export const HEALTH_CHECK_PATH = '/healthz';
/** Address range of the VPC this construct creates when `vpcCidr` is not given. */
export const VPC_CIDR = DEFAULT_VPC_CIDR;
/** The only port the tasks may open connections to: @connections, DynamoDB, ECR, Secrets Manager, logs. */
export const TASK_EGRESS_PORT = 443;

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
  readonly taskSecurityGroup: SecurityGroup;
  readonly url: string;

  constructor(scope: Construct, id: string, props: NotifyServiceProps) {
    super(scope, id);
    const { settings } = props;
    this.vpc = props.vpc ?? this.createVpc(settings, props.logRetention);

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
      image: settings.containerImage
        ? this.prebuiltImage(settings.containerImage)
        : ContainerImage.fromAsset(REPO_ROOT, {
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
    // Egress: HTTPS only (@connections through the NAT, DynamoDB through its gateway endpoint, ECR, S3,
    // Secrets Manager and CloudWatch Logs). The VPC's DNS resolver is not subject to security groups.
    this.taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'socketpost notify tasks: HTTPS out only',
    });
    this.taskSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(TASK_EGRESS_PORT), 'HTTPS: @connections, AWS APIs');
    // DynamoDB by name: its gateway endpoint's ranges, whatever becomes of the rule above.
    const dynamoDb = new DynamoDbPrefixList(this, 'DynamoDbPrefixList');
    this.taskSecurityGroup.addEgressRule(Peer.prefixList(dynamoDb.prefixListId), Port.tcp(TASK_EGRESS_PORT), 'HTTPS: DynamoDB');

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: settings.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.taskSecurityGroup],
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
    // With a certificate, port 80 only redirects: an API key never crosses the network in clear.
    const redirect = https
      ? this.loadBalancer.addListener('HttpRedirect', {
          port: 80,
          protocol: ApplicationProtocol.HTTP,
          open: false,
          defaultAction: ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
        })
      : undefined;
    // A literal CIDR for our own VPC, so the rule is readable (and checkable) in the template.
    const vpcCidr = props.vpc ? this.vpc.vpcCidrBlock : settings.vpcCidr;
    const cidrs =
      settings.allowedCidrs ?? (settings.allowedSecurityGroupIds ? [] : [settings.internetFacing ? '0.0.0.0/0' : vpcCidr]);
    const callers: IPeer[] = [
      ...cidrs.map((cidr) => Peer.ipv4(cidr)),
      ...(settings.allowedSecurityGroupIds ?? []).map((id) => Peer.securityGroupId(id)),
    ];
    for (const caller of callers) {
      listener.connections.allowDefaultPortFrom(caller, 'notify API clients');
      redirect?.connections.allowDefaultPortFrom(caller, 'notify API clients (redirected to HTTPS)');
    }
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
    if (settings.internetFacing && cidrs.includes('0.0.0.0/0')) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'internetFacing was chosen: the HTTPS listener is open to callers anywhere, and every request needs an API key.',
      });
    }
  }

  /** The pipeline's image from ECR: no Docker at deploy time. The execution role may pull from that repository only. */
  private prebuiltImage(image: ContainerImageRef): ContainerImage {
    const repository = Repository.fromRepositoryAttributes(this, 'ImageRepository', {
      repositoryName: image.repositoryName,
      repositoryArn: `arn:${Stack.of(this).partition}:ecr:${image.region}:${image.account}:repository/${image.repositoryName}`,
    });
    return ContainerImage.fromEcrRepository(repository, image.tagOrDigest);
  }

  private createVpc(settings: NotifyServiceSettings, logRetention: RetentionDays): Vpc {
    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    return new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(settings.vpcCidr),
      maxAzs: 2,
      // One per zone in production: a zone's outage must not cut the other zone's tasks off @connections.
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // DynamoDB through a free gateway endpoint. No execute-api interface endpoint on purpose: with
      // private DNS it captures *.execute-api hosts, and posting to a public API through it answers 403.
      // S3 too (free): ECR image layers come from S3, so pulls do not pay NAT data charges.
      gatewayEndpoints: {
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: GatewayVpcEndpointAwsService.S3 },
      },
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
      deletionProtection: settings.albDeletionProtection,
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
