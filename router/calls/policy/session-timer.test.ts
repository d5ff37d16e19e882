/** RFC 4028 header choices of the B2BUA's legs (§4, §7.1, §9). */
import t from 'tap';
import {
  answerSessionHeaders,
  offerSessionHeaders,
  parseSessionExpires,
  refreshAnswerHeaders,
} from './session-timer.js';

t.test('parseSessionExpires: delta and refresher; malformed is undefined', (t) => {
  t.same(parseSessionExpires('1800;refresher=UAS'), { deltaSeconds: 1800, refresher: 'uas' });
  t.same(parseSessionExpires(' 90 ; foo=bar'), { deltaSeconds: 90 });
  t.equal(parseSessionExpires('soon'), undefined);
  t.equal(parseSessionExpires(undefined), undefined);
  t.end();
});

t.test('legs we originate ask for our interval with us refreshing (§7.1)', (t) => {
  t.same(offerSessionHeaders(1800), { 'Session-Expires': '1800;refresher=uac', Supported: 'timer' });
  t.end();
});

t.test('the caller asked for nothing: we insert ours and refresh (§9)', (t) => {
  t.same(answerSessionHeaders({}, 1800), { 'Session-Expires': '1800;refresher=uas' });
  t.end();
});

t.test('the caller asked: lowered to ours, never raised, never below its Min-SE (§9)', (t) => {
  t.same(answerSessionHeaders({ sessionExpires: '3600' }, 1800), { 'Session-Expires': '1800;refresher=uas' });
  t.same(answerSessionHeaders({ sessionExpires: '600' }, 1800), { 'Session-Expires': '600;refresher=uas' });
  t.same(answerSessionHeaders({ sessionExpires: '3600', minSe: '2400' }, 1800), {
    'Session-Expires': '2400;refresher=uas',
  });
  t.end();
});

t.test("the caller's refresher is kept; uac needs Require: timer (§9)", (t) => {
  t.same(answerSessionHeaders({ sessionExpires: '1800;refresher=uac' }, 1800), {
    'Session-Expires': '1800;refresher=uac',
    Require: 'timer',
  });
  t.end();
});

t.test('a refresh is answered with its interval, the sender keeping on (§9, §7.2)', (t) => {
  t.same(refreshAnswerHeaders('900;refresher=uas'), { 'Session-Expires': '900;refresher=uas' });
  t.same(refreshAnswerHeaders('900'), { 'Session-Expires': '900;refresher=uac', Require: 'timer' });
  t.same(refreshAnswerHeaders(undefined), {}, 'no session timer asked: none given');
  t.end();
});
