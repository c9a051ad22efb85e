import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONTEXT, nagFindings as findings, resourcesGranted, synthesize, type Synthesized } from './synth-fixture.js';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

describe('cdk-nag AwsSolutions checks', { timeout: 120_000 }, () => {
  it('should report an unacknowledged finding (the check is live)', () => {
    const app = new App();
    new Bucket(new Stack(app, 'Probe'), 'Unlogged');
    expect(findings(app)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 /)]));
  });

  describe('on an internet-facing production deployment with an extra region', () => {
    let s: Synthesized;
    beforeAll(() => {
      s = synthesize({
        ...BASE_CONTEXT,
        jwtJwksUrl: 'https://login.acme-payments.io/.well-known/jwks.json',
        profile: 'production',
        allowedCidrs: '0.0.0.0/0',
        stage: 'prod',
        internetFacing: 'true',
        certificateArn: CERTIFICATE_ARN,
        deletionProtection: 'false',
        minTasks: 3,
        maxTasks: 6,
        managementTargets: [{ apiId: 'abc123xyz', stage: 'prod', region: 'us-west-2' }],
      });
    }, 120_000);
    afterAll(() => s?.cleanup());

    it('should leave zero unacknowledged findings', () => {
      expect(findings(s.app)).toEqual([]);
    });

    it('should serve HTTPS only on an internet-facing ALB', () => {
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
      s.template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      });
      // Port 80 only redirects to HTTPS.
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }) }],
      });
      s.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]),
      });
    });

    it('should apply the stage, the task bounds and the table protection setting', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod' });
      s.template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
      s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 6 });
      s.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
      });
      s.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    });

    it('should let the notify task post to the other region’s API', () => {
      const granted = resourcesGranted(s.template, 'execute-api:ManageConnections');
      // POST only: the service calls no GET or DELETE on @connections; $default still posts to its own stage.
      expect(granted.filter((arn) => arn.includes('abc123xyz'))).toEqual([
        'arn:${AWS::Partition}:execute-api:us-west-2:${AWS::AccountId}:abc123xyz/prod/POST/@connections/*',
      ]);
    });
  });
});
