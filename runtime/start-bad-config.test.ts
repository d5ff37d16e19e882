/** `patchbay start` on a bad config file: exit 1 listing every problem, nothing started. */
import t from 'tap';
import { PatchbayProcess } from '../test-support/patchbay-process.js';

t.test('a bad config file: exit 1 with every problem listed, nothing started', async (t) => {
  const yaml = [
    'node: { id: bad-config }',
    'sip:',
    '  mode: external',
    '  servers: []',
    '  engine:',
    '    timers: { t1Ms: 5000, t2Ms: 4000 }',
    'http:',
    '  port: 70000',
    '  tokens: [{ token: short, role: admin }]',
    'bogus: 1',
    '',
  ].join('\n');
  const pb = PatchbayProcess.start(yaml);
  t.teardown(() => pb.cleanup());
  const exit = await pb.exitWithin(60000);
  t.equal(exit.code, 1, 'exit 1');
  t.equal(exit.signal, null);
  const lines = pb.stderr.trim().split('\n');
  t.match(lines[0], /^patchbay start: .*patchbay\.yaml: \d+ problems$/, 'a header naming the file');
  const listed = lines.slice(1).join('\n');
  t.match(listed, /\/http\/port \(line 8, column \d+\): .*65535/, 'port out of range, with its line');
  t.match(listed, /\/http\/tokens\/0\/token/, 'short token');
  t.match(listed, /bogus/, 'unknown top-level key');
  t.equal(pb.logs().length, 0, 'nothing logged: nothing was started');
});
