import t from 'tap';
import { thrownCode } from '../../../test-support/thrown.js';
import { isFinalPublicationState, publicationTransition } from './publication.js';
import type { PublicationEvent, PublicationState } from './publication.js';

const STATES: PublicationState[] = ['active', 'removed', 'expired'];
const EVENTS: PublicationEvent[] = ['refresh', 'modify', 'remove', 'expire'];

t.test('active accepts every event; final states accept none', (t) => {
  t.equal(publicationTransition('active', 'refresh'), 'active');
  t.equal(publicationTransition('active', 'modify'), 'active');
  t.equal(publicationTransition('active', 'remove'), 'removed');
  t.equal(publicationTransition('active', 'expire'), 'expired');
  for (const state of STATES.filter(isFinalPublicationState)) {
    for (const event of EVENTS) {
      t.equal(
        thrownCode(() => publicationTransition(state, event)),
        'PresenceServerError:illegal-publication-transition',
        `${event} in ${state} is rejected`,
      );
    }
  }
  t.equal(isFinalPublicationState('active'), false);
  t.end();
});
