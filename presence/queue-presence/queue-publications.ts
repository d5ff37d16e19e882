/**
 * External presence mode: every presence URI of every queue and service is PUBLISHed (RFC 3903)
 * to the external presence server, so customers subscribing there see the same document as those
 * subscribing to patchbay. One QueuePublisher per URI (model/queue-publisher.ts), fed by the
 * resource's changes; the note is in the default language (English if configured, else the
 * first), as no watcher's Accept-Language is known. `close()` removes every publication.
 */
import type { Clock } from '../../sip-engine/util/clock.js';
import { silentLogger } from '../server/ports.js';
import type { PresenceLogger } from '../server/ports.js';
import type { PublishChannel } from './model/publication-state.js';
import { QueuePublisher } from './model/queue-publisher.js';
import type { QueuePublisherView } from './model/queue-publisher.js';
import { chooseLanguage } from './policy/language.js';
import type { QueuePresence } from './queue-presence.js';
import { variantOf } from './queue-presence.js';

export interface QueuePublicationsOptions {
  readonly presence: QueuePresence;
  /** A PUBLISH channel for one presence URI (srfPublishChannel in production). */
  readonly channelFor: (uri: string) => PublishChannel;
  readonly expiresS: number;
  /** Least time between two PUBLISHes with a changed document, per URI. */
  readonly minIntervalMs: number;
  /** Bound of each wait in close() (default 2 s). */
  readonly closeWaitMs?: number;
  readonly clock: Clock;
  readonly log?: PresenceLogger;
}

export class QueuePublications {
  readonly #byUri = new Map<string, QueuePublisher>();
  readonly #byResource = new Map<string, QueuePublisher[]>();
  readonly #stop: () => void;

  constructor(o: QueuePublicationsOptions) {
    const log = (o.log ?? silentLogger).child({ component: 'queue-publications' });
    for (const r of o.presence.resources()) {
      const language = chooseLanguage(undefined, Object.keys(r.notes));
      const publishers = r.users.map((user) => {
        const uri = `sip:${user}@${o.presence.domain}`;
        const p = new QueuePublisher({
          clock: o.clock,
          channel: o.channelFor(uri),
          content: () => o.presence.content(r.id, variantOf(user, language)),
          expiresS: o.expiresS,
          minIntervalMs: o.minIntervalMs,
          ...(o.closeWaitMs !== undefined ? { closeWaitMs: o.closeWaitMs } : {}),
          log: log.child({ uri }),
        });
        this.#byUri.set(uri, p);
        return p;
      });
      this.#byResource.set(r.id, publishers);
    }
    this.#stop = o.presence.onChange((id) => {
      for (const p of this.#byResource.get(id) ?? []) p.changed();
    });
  }

  /** The initial PUBLISH of every URI. */
  start(): void {
    for (const p of this.#byUri.values()) p.start();
  }

  view(uri: string): QueuePublisherView | undefined {
    return this.#byUri.get(uri)?.view();
  }

  uris(): string[] {
    return [...this.#byUri.keys()];
  }

  /** RFC 3903 §4.5: Expires: 0 for every publication. */
  async close(): Promise<void> {
    this.#stop();
    await Promise.all([...this.#byUri.values()].map((p) => p.close()));
  }
}
