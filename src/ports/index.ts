export * from './clock.js';
export * from './connection.messenger.js';
export * from './connection.repository.js';
export * from './endpoint.registry.js';
export * from './logger.js';
export * from './token.verifier.js';
