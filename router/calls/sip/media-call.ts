/**
 * The media server seam of call control: one call's media anchored on a media relay (rtpengine,
 * implemented by `infra/rtpengine/rtpengine-call.ts`). Tags name the call's two parties.
 */
export interface MediaCall {
  /** SDP offer from `fromTag`'s party; resolves with the SDP to hand to the other party. */
  offer(fromTag: string, sdp: string): Promise<string>;
  /** SDP answer from `toTag`'s party; resolves with the SDP to hand to `fromTag`'s party. */
  answer(fromTag: string, toTag: string, sdp: string): Promise<string>;
  /** Plays a file to `tag`'s party `repeatTimes` times; resolves with one play's duration. */
  play(tag: string, file: string, repeatTimes: number): Promise<{ durationMs: number }>;
  stop(tag: string): Promise<void>;
  /** Drops media sent by `tag`'s party (played media still reaches it). */
  block(tag: string): Promise<void>;
  unblock(tag: string): Promise<void>;
  delete(): Promise<void>;
}

/** Where the hold media is and how often to announce (config `rtpengine`). */
export interface HoldMedia {
  /** Starts one call's media on a server picked for it. */
  readonly open: (callId: string) => MediaCall;
  /** Folder of the WAV files as rtpengine sees it. */
  readonly mediaDir: string;
  /** Interval between position/expected-wait announcements; 0: none. */
  readonly announceEveryMs: number;
}

export const CALLER_TAG = 'caller';
export const AGENT_TAG = 'agent';
