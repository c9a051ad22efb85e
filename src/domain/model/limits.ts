/** API Gateway WebSocket limits (docs/emulator.md lists them). */
export const MAX_MESSAGE_BYTES = 131_072;
/** Maximum connection duration. */
export const MAX_CONNECTION_DURATION_MS = 2 * 60 * 60 * 1000;
export const MAX_USER_ID_LENGTH = 128;
/** Deepest nesting of arrays and objects accepted in a JSON message (and, at the REST edge, a JSON body). */
export const MAX_JSON_DEPTH = 64;
