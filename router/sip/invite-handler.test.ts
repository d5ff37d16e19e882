import t from 'tap';
import { dialledNumber } from './invite-handler.js';

t.test('dialledNumber takes the user part of sip/sips/tel URIs', (t) => {
  t.equal(dialledNumber('sip:4000@127.0.0.1:5060'), '4000');
  t.equal(dialledNumber('sips:+4930123@cc.example.com;user=phone'), '+4930123');
  t.equal(dialledNumber('tel:+15551234567;phone-context=x'), '+15551234567');
  t.equal(dialledNumber('sip:%2B49@h'), '+49');
  t.equal(dialledNumber('sip:cc.example.com'), 'cc.example.com');
  t.end();
});
