/**
 * A scripted stand-in for the engine core behind the app server (sip-engine/app/types.ts
 * EngineCommandHandler): records every command and closed connection, and answers through
 * `onCommand`, which a test replaces as it goes.
 */
import type {
  AppConnection,
  CommandResponder,
  EngineCommand,
  EngineCommandHandler,
} from '../sip-engine/app/types.js';

export interface RecordedCommand {
  conn: AppConnection;
  command: EngineCommand;
  responder: CommandResponder;
}

export class FakeCommandHandler implements EngineCommandHandler {
  readonly commands: RecordedCommand[] = [];
  readonly closed: AppConnection[] = [];
  onCommand: (command: EngineCommand, responder: CommandResponder, conn: AppConnection) => void = () =>
    undefined;

  handleCommand(conn: AppConnection, command: EngineCommand, responder: CommandResponder): void {
    this.commands.push({ conn, command, responder });
    this.onCommand(command, responder, conn);
  }

  connectionClosed(conn: AppConnection): void {
    this.closed.push(conn);
  }
}
