/**
 * The conversation over REST, for both parties: the freelancer under /projects/:projectId, the
 * client under /portal (their one project). Sends count against the sender's message limit,
 * shared with the WebSocket.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteMessage, editMessage } from '../../actions/edit-message';
import { markRead } from '../../actions/mark-read';
import { listMessages, listThreads } from '../../actions/read-chat';
import { sendMessage } from '../../actions/send-message';
import type { ChatActor } from '../../domain/chat-rules';
import { AppError } from '../../domain/errors';
import { clientOf, freelancerOf } from '../authentication';
import { presentMessage } from '../chat-presenters';
import type { SenderLimits } from '../chat-limits';
import {
  editMessageBody,
  messageEnvelope,
  messagePage,
  messagesQuery,
  readBody,
  sendMessageBody,
  threadList,
} from '../chat-schemas';
import { id } from '../schemas';
import type { RouteDeps } from './deps';

/** Refuses a message over the sender's limit with 429 and Retry-After. */
export function takeMessageAllowance(limits: SenderLimits, actor: ChatActor): void {
  const allowed = limits.take(actor);
  if (!allowed.ok) {
    throw new AppError('TOO_MANY_ATTEMPTS', 'Too many messages; wait a moment', {
      retryAfterSeconds: Math.ceil(allowed.retryAfterMs / 1000),
    });
  }
}

function chatRoutesAt(
  base: string,
  params: z.ZodObject,
  who: (request: FastifyRequest) => { actor: ChatActor; projectId: string },
  tag: string,
): FastifyPluginAsyncZod<RouteDeps> {
  return async (app, deps) => {
    const { db, clock, events, chatLimits } = deps;
    const messageParams = params.extend({ messageId: id });

    app.get(
      `${base}/threads`,
      { schema: { tags: [tag], params, response: { 200: threadList } } },
      async (request) => listThreads({ db, ...who(request) }),
    );

    app.get(
      `${base}/messages`,
      {
        schema: { tags: [tag], params, querystring: messagesQuery, response: { 200: messagePage } },
      },
      async (request) => {
        const page = await listMessages({
          db,
          ...who(request),
          thread: request.query.thread,
          before: request.query.before,
          limit: request.query.limit,
        });
        return { messages: page.messages.map(presentMessage), nextCursor: page.nextCursor };
      },
    );

    app.post(
      `${base}/messages`,
      {
        schema: {
          tags: [tag],
          params,
          body: sendMessageBody,
          response: { 200: messageEnvelope, 201: messageEnvelope },
        },
      },
      async (request, reply) => {
        const caller = who(request);
        takeMessageAllowance(chatLimits, caller.actor);
        const { message, created } = await sendMessage({
          db,
          clock,
          events,
          ...caller,
          message: request.body,
        });
        return reply.status(created ? 201 : 200).send({ message: presentMessage(message) });
      },
    );

    app.patch(
      `${base}/messages/:messageId`,
      {
        schema: {
          tags: [tag],
          params: messageParams,
          body: editMessageBody,
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        const message = await editMessage({
          db,
          clock,
          events,
          ...who(request),
          messageId: (request.params as { messageId: string }).messageId,
          text: request.body.text,
        });
        return { message: presentMessage(message) };
      },
    );

    app.delete(
      `${base}/messages/:messageId`,
      { schema: { tags: [tag], params: messageParams, response: { 200: messageEnvelope } } },
      async (request) => {
        const message = await deleteMessage({
          db,
          clock,
          events,
          ...who(request),
          messageId: (request.params as { messageId: string }).messageId,
        });
        return { message: presentMessage(message) };
      },
    );

    app.post(
      `${base}/messages/read`,
      {
        schema: {
          tags: [tag],
          params,
          body: readBody,
          response: { 200: z.object({ upTo: z.number() }) },
        },
      },
      async (request) => markRead({ db, clock, events, ...who(request), ...request.body }),
    );
  };
}

/** The freelancer's side, inside the freelancer-authenticated scope. */
export const freelancerChatRoutes = chatRoutesAt(
  '/projects/:projectId',
  z.object({ projectId: id }),
  (request) => ({
    actor: { type: 'freelancer', userId: freelancerOf(request).user.id },
    projectId: (request.params as { projectId: string }).projectId,
  }),
  'chat',
);

/** The client's side, inside the portal's client-authenticated scope. */
export const portalChatRoutes = chatRoutesAt(
  '/portal',
  z.object({}),
  (request) => {
    const { projectId } = clientOf(request);
    return { actor: { type: 'client', projectId }, projectId };
  },
  'portal',
);
