import t from 'tap';
import { main } from './hello-engine.js';

t.test('the README example: an srf app on the engine answers a call from another engine', async (t) => {
  const result = await main();
  t.match(result, /^call to sip:hello@127\.0\.0\.1:\d+ answered; remote SDP has \d+ bytes$/);
  t.notMatch(result, /has 0 bytes/);
});
