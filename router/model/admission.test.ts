import t from 'tap';
import { Admission, IllegalTransitionError, nextAdmissionState } from './admission.js';

t.test('admission lifecycle: open → draining → closed, illegal moves rejected', (t) => {
  const a = new Admission(15);
  t.same(a.decide(), { admit: true });
  t.equal(a.apply('drain'), 'draining');
  t.same(a.decide(), { admit: false, retryAfterS: 15 });
  t.throws(() => a.apply('drain'), IllegalTransitionError);
  t.equal(a.apply('close'), 'closed');
  t.same(a.decide(), { admit: false, retryAfterS: 15 });
  t.throws(() => nextAdmissionState('closed', 'drain'), IllegalTransitionError);
  t.equal(nextAdmissionState('open', 'close'), 'closed');
  t.end();
});
