import { ManagementEndpoint, type EndpointLocation } from '../model/management-endpoint.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';

export interface ClientMessageCommand extends EndpointLocation {
  connectionId: string;
  /** The frame's text (`event.body`). */
  body?: string | null;
  isBase64Encoded?: boolean;
}

export type ClientMessageOutcome = { answered: false } | { answered: true; result: PostResult };

const PONG = new TextEncoder().encode(JSON.stringify({ type: 'pong' }));

/**
 * `$default` route: `{"action":"ping"}` is answered with `{"type":"pong"}` through the sender's own
 * endpoint; anything else is accepted without an answer.
 */
export class AnswerClientMessageUseCase {
  constructor(
    private readonly messenger: ConnectionMessenger,
    private readonly defaultRegion: string,
  ) {}

  async execute(command: ClientMessageCommand): Promise<ClientMessageOutcome> {
    if (command.isBase64Encoded || actionOf(command.body) !== 'ping') return { answered: false };
    if (typeof command.connectionId !== 'string' || command.connectionId.length === 0) return { answered: false };
    const endpoint = ManagementEndpoint.fromRequestContext(command, this.defaultRegion);
    const result = await this.messenger.post(endpoint.toJSON(), command.connectionId, PONG);
    return { answered: true, result };
  }
}

function actionOf(body: string | null | undefined): unknown {
  if (typeof body !== 'string' || !body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as { action?: unknown }).action : undefined;
  } catch {
    return undefined;
  }
}
