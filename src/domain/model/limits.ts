/** API Gateway WebSocket limits (docs/emulator.md lists them). */
export const MAX_MESSAGE_BYTES = 131_072;
/** Maximum connection duration. */
export const MAX_CONNECTION_DURATION_MS = 2 * 60 * 60 * 1000;
export const MAX_USER_ID_LENGTH = 128;
