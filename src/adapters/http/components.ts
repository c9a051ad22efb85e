import type { TSchema } from '@sinclair/typebox';
import { ConnectionsReply, ErrorReply, NotifyReply, StatusReply } from './http.schemas.js';
import {
  BroadcastBody,
  BroadcastReply,
  CloseUserReply,
  ConnectionDeliveryReply,
  GroupConnectionsReply,
  GroupMessageBody,
  GroupMessageReply,
  GroupUsersReply,
  MessageBody,
  NotifyRequestBody,
  NotifyResult,
} from './parity.schemas.js';

/**
 * The component schemas the app registers (`app.addSchema`); routes refer to them by `$id` and the OpenAPI
 * document names them so. Every request body and success reply of a route is one of these.
 */
export const HTTP_SCHEMAS: readonly TSchema[] = [
  NotifyRequestBody,
  NotifyReply,
  NotifyResult,
  ConnectionsReply,
  ErrorReply,
  StatusReply,
  MessageBody,
  ConnectionDeliveryReply,
  CloseUserReply,
  GroupUsersReply,
  GroupConnectionsReply,
  GroupMessageBody,
  GroupMessageReply,
  BroadcastBody,
  BroadcastReply,
];
