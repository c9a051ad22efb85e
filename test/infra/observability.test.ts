import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONTEXT, flat, synthesize, type Synthesized } from './synth-fixture.js';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:oncall-pager';

type Resource = { Properties: Record<string, unknown> };

function alarmsOf(s: Synthesized): Record<string, Resource> {
  return s.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
}

/** The alarm whose logical id starts with `Observability{name}`. */
function alarmNamed(s: Synthesized, name: string): Resource {
  const found = Object.entries(alarmsOf(s)).find(([id]) => id.startsWith(`Observability${name}`));
  if (!found) throw new Error(`no alarm ${name} in ${Object.keys(alarmsOf(s)).join(', ')}`);
  return found[1];
}

function dashboardBody(s: Synthesized): string {
  const [dashboard] = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
  return flat(dashboard?.Properties.DashboardBody);
}

const EXPECTED_ALARMS = ['FailedDeliveryRatio', 'Alb5xx', 'DynamoDbThrottles', 'AuthorizerLambdaErrors', 'ConnectLambdaErrors', 'DisconnectLambdaErrors', 'DefaultLambdaErrors', 'ApiGatewayConnectErrors'];

describe('observability: dashboard and alarms', { timeout: 180_000 }, () => {
  describe('development profile, topic created', () => {
    let s: Synthesized;
    beforeAll(() => {
      s = synthesize({ ...BASE_CONTEXT });
    }, 180_000);
    afterAll(() => s?.cleanup());

    it('should create an SNS topic that refuses publishing without TLS', () => {
      s.template.resourceCountIs('AWS::SNS::Topic', 1);
      s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('should create every alarm, each notifying the topic when it fires and when it recovers', () => {
      const [topicId] = Object.keys(s.template.findResources('AWS::SNS::Topic'));
      expect(Object.keys(alarmsOf(s))).toHaveLength(EXPECTED_ALARMS.length);
      for (const name of EXPECTED_ALARMS) {
        const alarm = alarmNamed(s, name);
        expect(alarm.Properties.AlarmActions, name).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions, name).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.TreatMissingData, name).toBe('notBreaching');
        expect(String(alarm.Properties.AlarmDescription), name).toMatch(/Runbook: README "Operating it"/);
      }
    });

    it('should alarm on the failed share of deliveries, the ALB 5xx, DynamoDB throttles, Lambda errors and connect errors', () => {
      const ratio = alarmNamed(s, 'FailedDeliveryRatio').Properties;
      expect(ratio).toMatchObject({ Threshold: 0.05, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const ratioMetrics = JSON.stringify(ratio.Metrics);
      expect(ratioMetrics).toContain('f / (d + g + f)');
      for (const outcome of ['delivered', 'gone', 'failed']) expect(ratioMetrics).toContain(`{"Name":"outcome","Value":"${outcome}"}`);
      expect(ratioMetrics).toContain('"Namespace":"socketpost"');

      expect(JSON.stringify(alarmNamed(s, 'Alb5xx').Properties.Metrics)).toMatch(/HTTPCode_ELB_5XX_Count[\s\S]*HTTPCode_Target_5XX_Count/);
      expect(JSON.stringify(alarmNamed(s, 'DynamoDbThrottles').Properties.Metrics)).toMatch(/ReadThrottleEvents[\s\S]*WriteThrottleEvents/);
      const connect = JSON.stringify(alarmNamed(s, 'ApiGatewayConnectErrors').Properties.Metrics);
      expect(connect).toContain('"MetricName":"IntegrationError","Namespace":"AWS/ApiGateway"');
      expect(connect).toContain('"MetricName":"Connects"');
      expect(alarmNamed(s, 'ConnectLambdaErrors').Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
    });

    it('should draw deliveries by outcome, p50/p99 notify latency, connects, ALB 5xx, DynamoDB throttles and Lambda errors and duration', () => {
      const body = dashboardBody(s);
      for (const expected of [
        '"Deliveries"',
        '"NotifyLatency"',
        '"stat":"p50"',
        '"stat":"p99"',
        '"Connects"',
        'ConnectCount',
        'HTTPCode_ELB_5XX_Count',
        'ReadThrottleEvents',
        '"Errors"',
        '"Duration"',
      ]) {
        expect(body, expected).toContain(expected);
      }
    });

    it('should have the notify service write its metrics as EMF lines every minute', () => {
      s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: Match.arrayWith([
          Match.objectLike({ Environment: Match.arrayWith([{ Name: 'METRICS_EMF_INTERVAL_SECONDS', Value: '60' }]) }),
        ]),
      });
    });
  });

  describe('production profile, an edge stack with its own topic', () => {
    let s: Synthesized;
    beforeAll(() => {
      s = synthesize({
        ...BASE_CONTEXT,
        profile: 'production',
        jwtJwksUrl: 'https://login.acme-payments.io/.well-known/jwks.json',
        notifyService: false,
        sharedTable: { tableName: 'socketpost-main', region: 'us-east-1' },
        alarmTopicArn: TOPIC_ARN,
      });
    }, 180_000);
    afterAll(() => s?.cleanup());

    it('should notify the given topic and create none, with no ALB alarm without a notify service nor throttle alarm on a shared table', () => {
      s.template.resourceCountIs('AWS::SNS::Topic', 0);
      const alarms = Object.values(alarmsOf(s));
      expect(alarms).toHaveLength(EXPECTED_ALARMS.length - 2);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([TOPIC_ARN]);
        expect(alarm.Properties.OKActions).toEqual([TOPIC_ARN]);
      }
      expect(() => alarmNamed(s, 'Alb5xx')).toThrow(/no alarm Alb5xx/);
      expect(() => alarmNamed(s, 'DynamoDbThrottles')).toThrow(/no alarm DynamoDbThrottles/);
      expect(dashboardBody(s)).toContain('"NotifyLatency"');
    });
  });
});
