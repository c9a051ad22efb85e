import 'reflect-metadata';
import './quiet-sdk-notice.js';
import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_FILE, fetchOpenApiDocument, generateClientTypes } from './client-types.js';

/** `npm run client:types`: writes the server client's types from the running service's `/openapi.json`. */
const types = await generateClientTypes(await fetchOpenApiDocument());
writeFileSync(CLIENT_TYPES_FILE, types);
console.error(`wrote ${CLIENT_TYPES_FILE}`);
