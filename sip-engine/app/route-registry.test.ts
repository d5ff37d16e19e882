import t from 'tap';
import { RouteRegistry } from './route-registry.js';

interface FakeConn {
  name: string;
  open: boolean;
  authenticated: boolean;
}
const conn = (name: string): FakeConn => ({ name, open: true, authenticated: true });
const picks = (r: RouteRegistry<FakeConn>, verb: string, n: number): (string | undefined)[] =>
  Array.from({ length: n }, () => r.pick(verb)?.name);

t.test('§3.9 round robin per verb, verbs independent, case-insensitive', (t) => {
  const r = new RouteRegistry<FakeConn>();
  const [a, b, c] = [conn('a'), conn('b'), conn('c')];
  r.add('invite', a);
  r.add('INVITE', b);
  r.add('invite', c);
  r.add('invite', a);
  r.add('register', b);
  t.same(picks(r, 'invite', 5), ['a', 'b', 'c', 'a', 'b']);
  t.same(picks(r, 'Register', 2), ['b', 'b']);
  t.equal(r.pick('options'), undefined);
  t.equal(r.count('invite'), 3, 'a second route of the same verb is not a second slot');
  t.end();
});

t.test('closed or unauthenticated members are pruned when met', (t) => {
  const r = new RouteRegistry<FakeConn>();
  const [a, b, c] = [conn('a'), conn('b'), conn('c')];
  for (const x of [a, b, c]) r.add('invite', x);
  t.equal(r.pick('invite')?.name, 'a');
  b.open = false;
  t.same(picks(r, 'invite', 3), ['c', 'a', 'c']);
  t.equal(r.count('invite'), 2);
  a.authenticated = false;
  c.open = false;
  t.equal(r.pick('invite'), undefined);
  t.equal(r.count('invite'), 0);
  t.end();
});

t.test('§2.3 remove_route quirk: removeAll drops every verb of that client, keeps the rotation fair', (t) => {
  const r = new RouteRegistry<FakeConn>();
  const [a, b, c] = [conn('a'), conn('b'), conn('c')];
  for (const x of [a, b, c]) r.add('invite', x);
  r.add('register', b);
  r.add('cdr:stop', b);
  t.same(r.verbsOf(b).sort(), ['cdr:stop', 'invite', 'register']);
  t.same(picks(r, 'invite', 2), ['a', 'b']);
  t.same(r.removeAll(b).sort(), ['cdr:stop', 'invite', 'register']);
  t.same(r.verbsOf(b), []);
  t.same(picks(r, 'invite', 3), ['c', 'a', 'c'], 'the member after the removed one comes next');
  t.equal(r.pick('register'), undefined);
  t.same(r.removeAll(b), [], 'nothing left to remove');
  t.end();
});
