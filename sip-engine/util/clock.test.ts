import t from 'tap';
import { FakeClock } from './clock.js';

t.test('FakeClock fires timers in due order, including ones scheduled while advancing', (t) => {
  const clock = new FakeClock();
  const fired: string[] = [];
  clock.setTimer(() => fired.push('b@200'), 200);
  clock.setTimer(() => {
    fired.push('a@100');
    clock.setTimer(() => fired.push('c@150'), 50);
  }, 100);
  const cancelled = clock.setTimer(() => fired.push('never'), 120);
  cancelled.cancel();
  clock.advance(199);
  t.same(fired, ['a@100', 'c@150']);
  t.equal(clock.now(), 199);
  clock.advance(1);
  t.same(fired, ['a@100', 'c@150', 'b@200']);
  t.equal(clock.pending, 0);
  t.end();
});
