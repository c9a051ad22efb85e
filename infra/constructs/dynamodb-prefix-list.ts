import { Stack, Validations } from 'aws-cdk-lib';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The construct id CDK gives the single Lambda behind every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * The id of the region's AWS-managed DynamoDB prefix list (`com.amazonaws.{region}.dynamodb`): the address
 * ranges the DynamoDB gateway endpoint routes. CloudFormation cannot name it, so it is looked up once at
 * deploy time (and again only if the region changed); the synth stays offline.
 */
export class DynamoDbPrefixList extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const name = `com.amazonaws.${Stack.of(this).region}.dynamodb`;
    const lookup = new AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [name] }] },
        physicalResourceId: PhysicalResourceId.of(name),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      // DescribeManagedPrefixLists has no resource-level permission.
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');

    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's AwsCustomResource provider (a deploy-time lookup, never on the data path) logs with the AWS basic execution policy.",
      });
    }
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeManagedPrefixLists (read-only, the only action of this policy) has no resource-level permission.',
    });
  }
}
