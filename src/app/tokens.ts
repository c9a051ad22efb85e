/** Tokens of things the composition root registers besides the ports. */
export const CORE_CONFIG = Symbol.for('socketpost.CoreConfig');
export const DYNAMODB_DOCUMENT_CLIENT = Symbol.for('socketpost.DynamoDbDocumentClient');
