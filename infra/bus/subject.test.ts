import t from 'tap';
import { isValidTopic, matchSubject, parsePattern } from './subject.js';

t.test('wildcard matching follows NATS rules', (t) => {
  const cases: [string, string, boolean][] = [
    ['agent.state', 'agent.state', true],
    ['agent.state', 'agent.state.a1', false],
    ['agent.*', 'agent.state', true],
    ['agent.*', 'agent.state.a1', false],
    ['agent.*', 'agent', false],
    ['agent.>', 'agent.state', true],
    ['agent.>', 'agent.state.a1.x', true],
    ['agent.>', 'agent', false],
    ['*.state.*', 'agent.state.a1', true],
    ['*.state.*', 'queue.depth.q1', false],
    ['>', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
  ];
  for (const [pattern, topic, want] of cases)
    t.equal(matchSubject(pattern, topic), want, `${pattern} ~ ${topic}`);
  t.end();
});

t.test('invalid patterns and topics are refused', (t) => {
  for (const p of ['', 'a..b', '.a', 'a.', 'a.>.b', 'a b', 'a.b*', 'a.>x']) {
    t.throws(() => parsePattern(p), { code: 'invalid-topic' }, `pattern '${p}'`);
  }
  for (const topic of ['', 'a..b', 'a.*', 'a.>', 'a b', 'a.\tb'])
    t.notOk(isValidTopic(topic), `topic '${topic}'`);
  t.ok(isValidTopic('agent.state.a-17_x'));
  t.end();
});
