import { ManagementEndpoint, type EndpointLocation } from '../model/management-endpoint.js';
import type { ResumeMessagesUseCase } from './resume-messages.use-case.js';
import type { SocketGroupUseCase } from './socket-group.use-case.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';

export interface ClientMessageCommand extends EndpointLocation {
  connectionId: string;
  /** The frame's text (`event.body`). */
  body?: string | null;
  isBase64Encoded?: boolean;
  /** The groups the socket's token allows (`groups` claim, passed on by the authorizer). */
  allowedGroups?: readonly string[];
}

export type ClientMessageOutcome = { answered: false } | { answered: true; result: PostResult };

const PONG = new TextEncoder().encode(JSON.stringify({ type: 'pong' }));

/**
 * `$default` route: `{"action":"ping"}` is answered with `{"type":"pong"}` through the sender's own
 * endpoint; `{"action":"join"|"leave","group":"g"}` joins or leaves a group (answered the same way);
 * `{"action":"resume","since":n}` replays a `socketpost.v1` socket's missed messages (ResumeMessagesUseCase);
 * anything else is accepted without an answer.
 */
export class AnswerClientMessageUseCase {
  constructor(
    private readonly messenger: ConnectionMessenger,
    private readonly defaultRegion: string,
    private readonly socketGroups?: SocketGroupUseCase,
    private readonly resume?: ResumeMessagesUseCase,
  ) {}

  async execute(command: ClientMessageCommand): Promise<ClientMessageOutcome> {
    if (command.isBase64Encoded) return { answered: false };
    if (typeof command.connectionId !== 'string' || command.connectionId.length === 0) return { answered: false };
    const frame = parse(command.body);
    if (frame.action === 'resume' && this.resume) {
      const endpoint = ManagementEndpoint.fromRequestContext(command, this.defaultRegion).toJSON();
      const { result } = await this.resume.execute({ connectionId: command.connectionId, endpoint, since: frame.since });
      return { answered: true, result };
    }
    let answer: Uint8Array;
    if (frame.action === 'ping') {
      answer = PONG;
    } else if ((frame.action === 'join' || frame.action === 'leave') && this.socketGroups) {
      const reply = await this.socketGroups.execute({
        connectionId: command.connectionId,
        action: frame.action,
        group: frame.group,
        allowedGroups: command.allowedGroups ?? [],
      });
      answer = new TextEncoder().encode(JSON.stringify(reply));
    } else {
      return { answered: false };
    }
    const endpoint = ManagementEndpoint.fromRequestContext(command, this.defaultRegion);
    const result = await this.messenger.post(endpoint.toJSON(), command.connectionId, answer);
    return { answered: true, result };
  }
}

function parse(body: string | null | undefined): { action?: unknown; group?: unknown; since?: unknown } {
  if (typeof body !== 'string' || !body) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as { action?: unknown; group?: unknown; since?: unknown }) : {};
  } catch {
    return {};
  }
}
