import t from 'tap';
import { AnswerPace } from './answer-pace.js';

t.test('expected wait = position × mean gap between recent answers', (t) => {
  const pace = new AnswerPace({ windowMs: 600_000, minAnswers: 3 });
  t.equal(pace.expectedWaitS('q', 1, 0), undefined, 'no data');
  pace.answered('q', 0);
  pace.answered('q', 30_000);
  t.equal(pace.expectedWaitS('q', 1, 30_000), undefined, 'two answers: not enough');
  pace.answered('q', 90_000);
  t.equal(pace.expectedWaitS('q', 1, 90_000), 45, 'mean gap 45 s');
  t.equal(pace.expectedWaitS('q', 4, 90_000), 180);
  t.equal(pace.expectedWaitS('other', 1, 90_000), undefined, 'per queue');
  t.end();
});

t.test('answers older than the window are forgotten', (t) => {
  const pace = new AnswerPace({ windowMs: 60_000, minAnswers: 2 });
  pace.answered('q', 0);
  pace.answered('q', 10_000);
  t.equal(pace.expectedWaitS('q', 2, 10_000), 20);
  t.equal(pace.expectedWaitS('q', 2, 65_000), undefined, 'the first answer left the window');
  t.end();
});
