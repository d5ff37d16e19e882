/**
 * How the core answers one app command (spec §2.4(a) `response` frames): a small object holding
 * the connection and the command's message id, so no closure is made per command.
 */
import type { AppClientConnection } from './app-connection.js';
import type { CommandReply, CommandResponder } from './types.js';

/** Writes a reply for `rid` on `conn` (the app server's own writer, shared by every Responder). */
export type ReplyFn = (conn: AppClientConnection, rid: string, reply: CommandReply) => void;

export class Responder implements CommandResponder {
  readonly #replyTo: ReplyFn;
  readonly #conn: AppClientConnection;
  readonly #msgId: string;

  constructor(replyTo: ReplyFn, conn: AppClientConnection, msgId: string) {
    this.#replyTo = replyTo;
    this.#conn = conn;
    this.#msgId = msgId;
  }

  /** The core may reply later (e.g. when a transaction ends); nothing is written after close. */
  reply(reply: CommandReply): void {
    this.#replyTo(this.#conn, this.#msgId, reply);
  }
}
