import t from 'tap';
import { lostMessages } from './sipp-loss.js';

const SCREEN = `------------------------------ Scenario Screen -------- [1-9]: Change Screen --
  Port   Total-time  Total-calls  Transport
  34109      1.94 s           10  UDP

                                 Messages  Retrans   Timeout   Unexp.    Lost
  ----------> INVITE             10        0         0         0         1

  <---------- 100                10        0                             1
  <---------- 200                10        2         0                   2
  ----------> ACK         E-RTD1 8         0         0         2         2

  ----------> BYE                8         1         0         0
  <---------- 200                8         1                             1
  [    500ms] Pause              8                             0
Last Error: Aborting call on an unexpected BYE for call: 15e09ceabe9ab57...
`;

t.test('sums the Lost column of a lossy scenario screen', (t) => {
  // Empty cells (BYE: no Lost value) count as 0: 1 + 1 + 2 + 2 + 0 + 1.
  t.equal(lostMessages(SCREEN), 7);
  t.equal(
    lostMessages(
      SCREEN.replace(
        '  <---------- 200                8         1                             1',
        '  <---------- 200                8         1',
      ),
    ),
    6,
    'a retransmission count is not read as a loss',
  );
  t.end();
});

t.test('no Lost column (no -lost) gives 0', (t) => {
  t.equal(lostMessages(SCREEN.replace(/\s+Lost/, '')), 0);
  t.end();
});
