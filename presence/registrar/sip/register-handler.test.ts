/** The SIP handler's two conversions, without a network (the whole path runs in registrar-sip.test.ts). */
import t from 'tap';
import type { SrfRequest } from '../../../infra/drachtio/srf-connection.js';
import { srfHeaders, toRegisterRequest } from './register-handler.js';

t.test('srfHeaders: challenges on separate lines (RFC 3261 §7.3.1), other repeats comma-joined', (t) => {
  t.same(
    srfHeaders([
      ['WWW-Authenticate', 'Digest a=1'],
      ['Contact', '<sip:a@h>;expires=1'],
      ['WWW-Authenticate', 'Digest b=2'],
      ['contact', '<sip:b@h>;expires=2'],
      ['Date', 'x'],
    ]),
    {
      'WWW-Authenticate': 'Digest a=1\r\nWWW-Authenticate: Digest b=2',
      Contact: '<sip:a@h>;expires=1, <sip:b@h>;expires=2',
      Date: 'x',
    },
  );
  t.end();
});

t.test('toRegisterRequest copies the header fields and the transport source', (t) => {
  const headers: Record<string, string> = {
    to: '<sip:a@d>',
    'call-id': 'c1',
    cseq: '7 REGISTER',
    contact: '<sip:a@h>',
    authorization: 'Digest x=1',
  };
  const req = {
    uri: 'sip:d',
    source_address: '::1',
    source_port: 5062,
    protocol: 'WSS',
    has: (n: string) => n.toLowerCase() in headers,
    get: (n: string) => headers[n.toLowerCase()],
  } as unknown as SrfRequest;
  t.same(toRegisterRequest(req), {
    requestUri: 'sip:d',
    to: '<sip:a@d>',
    callId: 'c1',
    cseq: '7 REGISTER',
    contact: '<sip:a@h>',
    authorization: 'Digest x=1',
    source: { address: '::1', port: 5062, transport: 'wss' },
  });
  t.end();
});
