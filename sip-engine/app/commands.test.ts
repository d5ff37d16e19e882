/** App→server commands, from the §2.6 example frames (decoded through the real framing). */
import t from 'tap';
import { NO_REASONS, parseCommand, parseTags, parseTimeoutMs } from './commands.js';
import { FrameDecoder } from './framing.js';

/** Decodes one complete `<len>#<payload>` text, checking the spec's length on the way. */
function decodeOne(frame: string): string {
  const r = new FrameDecoder().push(Buffer.from(frame, 'utf8'));
  if (!r.ok || r.frames.length !== 1 || r.frames[0] === undefined)
    throw new Error(`not exactly one frame: ${frame}`);
  return r.frames[0];
}

t.test('§2.6 handshake commands', (t) => {
  t.same(
    parseCommand(decodeOne('74#7d1c2f0e-5b3a-4c61-9e0a-1f2b3c4d5e6f|authenticate|cymru|callcenter,queue-a')),
    {
      kind: 'authenticate',
      msgId: '7d1c2f0e-5b3a-4c61-9e0a-1f2b3c4d5e6f',
      secret: 'cymru',
      tags: ['callcenter', 'queue-a'],
    },
  );
  t.same(parseCommand(decodeOne('49#a0a0a0a0-1111-4222-8333-444455556666|route|invite')), {
    kind: 'route',
    msgId: 'a0a0a0a0-1111-4222-8333-444455556666',
    verb: 'invite',
  });
  t.same(parseCommand(decodeOne('41#3a3b3c3d-aaaa-4bbb-8ccc-ddddeeeeffff|ping')), {
    kind: 'ping',
    msgId: '3a3b3c3d-aaaa-4bbb-8ccc-ddddeeeeffff',
  });
  t.same(parseCommand('m|authenticate|s|'), { kind: 'authenticate', msgId: 'm', secret: 's', tags: [] });
  t.same(parseCommand('m|authenticate|s'), { kind: 'authenticate', msgId: 'm', secret: 's', tags: [] });
  t.same(parseCommand('m|route|cdr:start'), { kind: 'route', msgId: 'm', verb: 'cdr:start' });
  t.same(parseCommand('m|remove_route|INVITE'), { kind: 'remove_route', msgId: 'm', verb: 'invite' });
  t.end();
});

t.test('§2.6 app response to an incoming INVITE (`sip|<txnId>|`), 255 bytes', (t) => {
  const sip =
    'SIP/2.0 200 OK\r\nCall-ID: c1@127.0.0.1\r\ncseq: 1 INVITE\r\nfrom: "Alice" <sip:alice@127.0.0.1:5072>;tag=a1\r\n' +
    'to: <sip:4000@127.0.0.1:5060>\r\nContent-Length: 5\r\nX-Agent: a17\r\n\r\nv=0\r\n';
  const cmd = parseCommand(
    decodeOne(`255#c2c2c2c2-3333-4444-8555-666677778888|sip|f3e1d2c3-aaaa-4bbb-8ccc-000000000001|\r\n${sip}`),
  );
  t.same(cmd, {
    kind: 'engine',
    msgId: 'c2c2c2c2-3333-4444-8555-666677778888',
    command: { type: 'sip', txnId: 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001', dialogId: '', sip },
  });
  t.end();
});

t.test('§2.6 in-dialog BYE (`sip||<dialogId>`), 142 bytes', (t) => {
  const sip = 'BYE sip:placeholder SIP/2.0\r\nX-Reason: agent-hangup\r\nContent-Length: 0\r\n\r\n';
  const cmd = parseCommand(
    decodeOne(`142#d3d3d3d3-4444-4555-8666-777788889999|sip||c1@127.0.0.1;from-tag=a1\r\n${sip}`),
  );
  t.same(cmd, {
    kind: 'engine',
    msgId: 'd3d3d3d3-4444-4555-8666-777788889999',
    command: { type: 'sip', txnId: '', dialogId: 'c1@127.0.0.1;from-tag=a1', sip },
  });
  t.end();
});

t.test('§2.6 UAC INVITE (`sip||`), 203 bytes, and the outbound-proxy variant', (t) => {
  const sip =
    'INVITE sip:agent17@127.0.0.1:5080 SIP/2.0\r\nFrom: sip:queue@localhost\r\nTo: sip:agent17@127.0.0.1:5080\r\n' +
    'Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n';
  const cmd = parseCommand(decodeOne(`203#e4e4e4e4-5555-4666-8777-88889999aaaa|sip||\r\n${sip}`));
  t.same(cmd, {
    kind: 'engine',
    msgId: 'e4e4e4e4-5555-4666-8777-88889999aaaa',
    command: { type: 'sip', txnId: '', dialogId: '', sip },
  });
  const viaProxy = parseCommand(`e4|sip|||sip:sbc.example.net:5060;transport=tcp\r\n${sip}`);
  t.same(viaProxy.kind === 'engine' ? viaProxy.command : undefined, {
    type: 'sip',
    txnId: '',
    dialogId: '',
    routeUri: 'sip:sbc.example.net:5060;transport=tcp',
    sip,
  });
  t.end();
});

t.test('§2.6 ACK (127), PRACK (148) and CANCEL (199) commands', (t) => {
  const ack = decodeOne(
    '127#f5f5f5f5-0000-4000-8000-000000000000|sip||3f2e1d-uac;from-tag=Q7\r\nACK sip:agent17@127.0.0.1:5080 SIP/2.0\r\nContent-Length: 0\r\n\r\n',
  );
  t.match(parseCommand(ack), {
    kind: 'engine',
    command: { type: 'sip', txnId: '', dialogId: '3f2e1d-uac;from-tag=Q7' },
  });
  const prack = decodeOne(
    '148#0a0b0c0d-0000-4000-8000-000000000000|sip||3f2e1d-uac;from-tag=Q7\r\nPRACK sip:agent17@127.0.0.1:5080 SIP/2.0\r\nRAck: 1 20 INVITE\r\nContent-Length: 0\r\n\r\n',
  );
  t.match(parseCommand(prack), {
    kind: 'engine',
    command: { type: 'sip', dialogId: '3f2e1d-uac;from-tag=Q7' },
  });
  const cancel = decodeOne(
    '199#1a1b1c1d-0000-4000-8000-000000000000|sip|11111111-2222-4333-8444-555555555555|\r\nCANCEL sip:agent17@127.0.0.1:5080 SIP/2.0\r\nReason: SIP;cause=200;text="Call completed elsewhere"\r\nContent-Length: 0\r\n\r\n',
  );
  t.match(parseCommand(cancel), {
    kind: 'engine',
    command: { type: 'sip', txnId: '11111111-2222-4333-8444-555555555555', dialogId: '' },
  });
  t.end();
});

t.test('§2.6 proxy command, 258 bytes: flags, timeouts, destinations', (t) => {
  const sip = 'INVITE sip:agent1@127.0.0.1:5081 SIP/2.0\r\nX-Queue: sales\r\nContent-Length: 0\r\n\r\n';
  const cmd = parseCommand(
    decodeOne(
      `258#2a2b2c2d-9999-4aaa-8bbb-ccccddddeeee|proxy|f3e1d2c3-aaaa-4bbb-8ccc-000000000001|remainInDialog|fullResponse||simultaneous|5s||sip:agent1@127.0.0.1:5081|sip:agent2@127.0.0.1:5082\r\n${sip}`,
    ),
  );
  t.same(cmd, {
    kind: 'engine',
    msgId: '2a2b2c2d-9999-4aaa-8bbb-ccccddddeeee',
    command: {
      type: 'proxy',
      txnId: 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001',
      remainInDialog: true,
      fullResponse: true,
      followRedirects: false,
      simultaneous: true,
      provisionalTimeoutMs: 5000,
      destinations: ['sip:agent1@127.0.0.1:5081', 'sip:agent2@127.0.0.1:5082'],
      sip,
    },
  });
  const serial = parseCommand(`p|proxy|T|||followRedirects|serial|500ms|2s|sip:a@h\r\n${sip}`);
  t.match(serial, {
    command: {
      remainInDialog: false,
      fullResponse: false,
      followRedirects: true,
      simultaneous: false,
      provisionalTimeoutMs: 500,
      finalTimeoutMs: 2000,
    },
  });
  t.end();
});

t.test('parse-level failures carry the C++ server reasons (§2.3)', (t) => {
  const reason = (p: string): string | undefined => {
    const c = parseCommand(p);
    return c.kind === 'invalid' ? c.reason : undefined;
  };
  t.equal(reason('garbage'), NO_REASONS.format);
  t.equal(reason('m|sip|T|D'), NO_REASONS.format, 'sip without SIP text');
  t.equal(reason('m|sip|T\r\nBYE sip:a SIP/2.0\r\n\r\n'), NO_REASONS.format, 'sip with too few tokens');
  t.equal(
    reason('m|sip||\r\nSIP/2.0 200 OK\r\n\r\n'),
    NO_REASONS.txnMissing,
    'a response needs a txn id (§2.5 case 1)',
  );
  t.equal(reason('m|frobnicate|x'), NO_REASONS.unknownType);
  t.equal(reason('m|route|'), NO_REASONS.verb);
  t.equal(reason('m|route'), NO_REASONS.verb);
  t.equal(reason('m|route|in vite'), NO_REASONS.verb);
  t.equal(reason('m|remove_route|'), NO_REASONS.removeVerb);
  t.equal(reason('m|proxy|T|||\r\nINVITE sip:a SIP/2.0\r\n\r\n'), NO_REASONS.proxyShort);
  t.equal(
    reason('m|proxy|T||fullResponse||serial|||\r\nINVITE sip:a SIP/2.0\r\n\r\n'),
    NO_REASONS.proxyNoDestination,
  );
  t.equal(reason('m|authenticate|s|bad tag'), NO_REASONS.badTags);
  t.equal(parseCommand('m|authenticate|s|bad tag').msgId, 'm', 'the NO answers the app msgId');
  t.end();
});

t.test('tags: at most 20, each 1-32 of [A-Za-z0-9-_+@:]', (t) => {
  t.same(parseTags('a,b-c,d_e,f+g,h@i,j:k'), ['a', 'b-c', 'd_e', 'f+g', 'h@i', 'j:k']);
  t.same(
    parseTags(Array.from({ length: 20 }, (_, i) => `t${i}`).join(',')),
    Array.from({ length: 20 }, (_, i) => `t${i}`),
  );
  t.equal(parseTags(Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')), undefined);
  t.same(parseTags('x'.repeat(32)), ['x'.repeat(32)]);
  t.equal(parseTags('x'.repeat(33)), undefined);
  t.equal(parseTags('a/b'), undefined);
  t.end();
});

t.test('timeouts parse as ^(\\d+)(ms|s)$; anything else is ignored', (t) => {
  t.equal(parseTimeoutMs('2s'), 2000);
  t.equal(parseTimeoutMs('750ms'), 750);
  t.equal(parseTimeoutMs(''), undefined);
  t.equal(parseTimeoutMs('2 s'), undefined);
  t.equal(parseTimeoutMs('1.5s'), undefined);
  t.end();
});
