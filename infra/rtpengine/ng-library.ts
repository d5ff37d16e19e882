/**
 * The one import of npm `rtpengine-client` (0.4.12, CommonJS, no typings): the slice we use, typed
 * here once. Replies are `unknown` (bencoded dictionaries from the network); rtpengine-client-ng.ts
 * checks them with a schema.
 *
 * Note: the library's option is `rejectOnError` (its README says `rejectOnFailure`); with it, a
 * reply `result: error` rejects with the bare `error-reason` string. `timeout` (ms) rejects with an
 * `RtpEngineError` when no reply comes.
 */
import rtpengineClient from 'rtpengine-client';

export interface NgDestination {
  readonly host: string;
  readonly port: number;
}

export type NgParams = Record<string, string | number | readonly string[] | Record<string, unknown>>;

export interface NgLibraryClient {
  ping(to: NgDestination): Promise<unknown>;
  offer(to: NgDestination, p: NgParams): Promise<unknown>;
  answer(to: NgDestination, p: NgParams): Promise<unknown>;
  delete(to: NgDestination, p: NgParams): Promise<unknown>;
  query(to: NgDestination, p: NgParams): Promise<unknown>;
  playMedia(to: NgDestination, p: NgParams): Promise<unknown>;
  stopMedia(to: NgDestination, p: NgParams): Promise<unknown>;
  blockMedia(to: NgDestination, p: NgParams): Promise<unknown>;
  unblockMedia(to: NgDestination, p: NgParams): Promise<unknown>;
  on(event: 'listening', cb: () => void): unknown;
  on(event: 'error', cb: (err: unknown) => void): unknown;
  close(): void;
}

interface LibraryModule {
  Client: new (opts: {
    localAddress?: string;
    localPort?: number;
    timeout: number;
    rejectOnError: boolean;
  }) => NgLibraryClient;
}

/** A UDP ng client bound to an ephemeral local port (on `localAddress` if given). */
export function newLibraryClient(timeoutMs: number, localAddress?: string): NgLibraryClient {
  const { Client } = rtpengineClient as LibraryModule;
  return new Client({
    timeout: timeoutMs,
    rejectOnError: true,
    ...(localAddress !== undefined ? { localAddress } : {}),
  });
}
