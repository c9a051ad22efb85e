import { Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { HttpCodeElb, HttpCodeTarget, type IApplicationLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  /** CloudWatch namespace of socketpost's own metrics (the EMF lines of the Lambdas and the notify service). */
  namespace: string;
  /** The Lambda functions, by handler name. */
  functions: Readonly<Record<string, IFunction>>;
  /** The connections table; absent when the table is another stack's (that stack alarms on its throttles). */
  table?: ITable;
  /** The WebSocket API and stage (API Gateway's own metrics). */
  api: { apiId: string; stage: string };
  /** The notify service's load balancer; absent in an edge stack. */
  loadBalancer?: IApplicationLoadBalancer;
  /** Where alarms notify (the ARN of an existing topic); a topic is created when absent. */
  alarmTopicArn?: string;
  /** Failed deliveries over all deliveries above which the ratio alarm fires (default 0.05). */
  failedDeliveryRatio?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Every EMF metric carries the `service` dimension. */
const SERVICE = { service: 'socketpost' };

/**
 * The stack's CloudWatch dashboard and alarms. The dashboard shows deliveries by outcome, p50/p99 notify latency,
 * connects, ALB 5xx, DynamoDB throttles and each Lambda's errors and duration; every alarm (failed-delivery ratio,
 * ALB 5xx, DynamoDB throttled requests, each Lambda's errors, API Gateway connect errors) notifies `alarmTopic`
 * when it fires and when it recovers. README "Operating it" has the runbook of each alarm.
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarmTopic: ITopic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : this.createTopic();
    const own = (metricName: string, dimensionsMap: Record<string, string>, statistic = 'Sum') =>
      new Metric({ namespace: props.namespace, metricName, dimensionsMap: { ...SERVICE, ...dimensionsMap }, statistic, period: Duration.minutes(1) });
    const apiGateway = (metricName: string) =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.api.apiId, Stage: props.api.stage }, statistic: 'Sum', period: FIVE_MINUTES });

    // Deliveries by outcome (from the notify service's EMF lines).
    const delivered = own('Deliveries', { outcome: 'delivered' });
    const gone = own('Deliveries', { outcome: 'gone' });
    const failed = own('Deliveries', { outcome: 'failed' });
    const notifyLatency = (statistic: string) => own('NotifyLatency', {}, statistic);

    const throttles = props.table
      ? new MathExpression({
          expression: 'FILL(r, 0) + FILL(w, 0)',
          usingMetrics: {
            r: props.table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
            w: props.table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
          },
          label: 'DynamoDB throttled requests',
          period: FIVE_MINUTES,
        })
      : undefined;
    const connectErrors = new MathExpression({
      expression: 'FILL(i, 0) + FILL(x, 0) + FILL(c, 0)',
      usingMetrics: {
        i: apiGateway('IntegrationError'),
        x: apiGateway('ExecutionError'),
        c: own('Connects', { outcome: 'error' }).with({ period: FIVE_MINUTES }),
      },
      label: 'API Gateway integration and execution errors + $connect errors',
      period: FIVE_MINUTES,
    });
    const alb5xx = props.loadBalancer
      ? new MathExpression({
          expression: 'FILL(e, 0) + FILL(t, 0)',
          usingMetrics: {
            e: props.loadBalancer.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: FIVE_MINUTES }),
            t: props.loadBalancer.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: FIVE_MINUTES }),
          },
          label: 'ALB 5xx (load balancer + targets)',
          period: FIVE_MINUTES,
        })
      : undefined;

    // Alarms, each to the topic when it fires and when it recovers.
    const failedRatio = new MathExpression({
      expression: 'f / (d + g + f)',
      usingMetrics: {
        d: delivered.with({ period: FIVE_MINUTES }),
        g: gone.with({ period: FIVE_MINUTES }),
        f: failed.with({ period: FIVE_MINUTES }),
      },
      label: 'failed deliveries / all deliveries',
      period: FIVE_MINUTES,
    });
    this.alarm('FailedDeliveryRatio', failedRatio, props.failedDeliveryRatio ?? 0.05, 3,
      'More than the allowed share of deliveries failed (403, 429, 5xx, deadline) over 3 × 5 minutes. Runbook: README "Operating it", FailedDeliveryRatio.');
    if (alb5xx) this.alarm('Alb5xx', alb5xx, 5, 1, 'The notify service answered 5 or more 5xx in 5 minutes. Runbook: README "Operating it", Alb5xx.');
    if (throttles) this.alarm('DynamoDbThrottles', throttles, 1, 2, 'DynamoDB throttled requests of the connections table for 2 × 5 minutes. Runbook: README "Operating it", DynamoDbThrottles.');
    for (const [name, fn] of Object.entries(props.functions)) {
      const title = `${name[0]!.toUpperCase()}${name.slice(1)}`;
      this.alarm(`${title}LambdaErrors`, fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }), 1, 1,
        `The ${name} Lambda failed (threw or timed out) in the last 5 minutes. Runbook: README "Operating it", LambdaErrors.`);
    }
    this.alarm('ApiGatewayConnectErrors', connectErrors, 5, 1,
      'API Gateway integration/execution errors or failed $connect handlers: 5 or more in 5 minutes. Runbook: README "Operating it", ApiGatewayConnectErrors.');

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 12, height: 6 });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# socketpost ${props.api.stage}\nDeliveries and latency come from the notify service's EMF lines (namespace \`${props.namespace}\`); find one notify by its \`requestId\` in the logs (README "Operating it").`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Deliveries by outcome (per minute)', [delivered.with({ label: 'delivered' }), gone.with({ label: 'gone' }), failed.with({ label: 'failed' })]),
      graph('Notify latency (ms)', [notifyLatency('p50').with({ label: 'p50' }), notifyLatency('p99').with({ label: 'p99' })]),
    );
    this.dashboard.addWidgets(
      graph('Connects', [own('Connects', { outcome: 'accepted' }).with({ label: 'accepted' }), own('Connects', { outcome: 'refused' }).with({ label: 'refused' })], [
        apiGateway('ConnectCount').with({ label: 'API Gateway ConnectCount' }),
      ]),
      graph('Errors: ALB 5xx, DynamoDB throttles, connect errors', [...(alb5xx ? [alb5xx] : []), ...(throttles ? [throttles] : []), connectErrors]),
    );
    this.dashboard.addWidgets(
      graph('Lambda errors', Object.entries(props.functions).map(([name, fn]) => fn.metricErrors({ label: name, statistic: 'Sum', period: FIVE_MINUTES }))),
      graph('Lambda duration p99 (ms)', Object.entries(props.functions).map(([name, fn]) => fn.metricDuration({ label: name, statistic: 'p99', period: FIVE_MINUTES }))),
    );
  }

  private alarm(id: string, metric: IMetric, threshold: number, evaluationPeriods: number, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private createTopic(): ITopic {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'socketpost alarms', enforceSSL: true });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, no user data; CloudWatch cannot publish to a topic encrypted with ' +
        'the AWS managed SNS key, and a customer key costs more than the topic. Pass alarmTopicArn to use an encrypted topic of your own.',
    });
    return topic;
  }
}
