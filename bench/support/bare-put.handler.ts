/** The cold-start baseline: the least a Lambda that records a connection can be — one DynamoDB PutCommand. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { requestContext: { connectionId: string } }) => {
  await client.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { pk: event.requestContext.connectionId, sk: 'bare' } }));
  return { statusCode: 200 };
};
