import t from 'tap';
import { ALICE, pidfBody } from '../testing/fakes.js';
import { checkPidfBody, mediaType, singleEntityTag } from './publish-body.js';

t.test('media types and entity-tags', (t) => {
  t.equal(mediaType('Application/PIDF+XML; charset=UTF-8'), 'application/pidf+xml');
  t.equal(mediaType(undefined), undefined);
  t.equal(mediaType(' ; x=y'), undefined);
  t.equal(singleEntityTag(' dx200xyz '), 'dx200xyz');
  t.equal(singleEntityTag('a, b'), undefined, 'two entity-tags');
  t.equal(singleEntityTag(''), undefined);
  t.end();
});

t.test('PIDF bodies: size first, then type, then well-formedness', (t) => {
  const good = pidfBody(ALICE);
  const ok = checkPidfBody('application/pidf+xml', good, 4096);
  t.ok(ok.ok && ok.document.tuples[0]?.basic === 'open');
  t.match(checkPidfBody('application/pidf+xml', good, 100), { ok: false, problem: 'too-large' });
  t.match(checkPidfBody('text/plain', good, 4096), {
    ok: false,
    problem: 'wrong-type',
    detail: 'text/plain',
  });
  t.match(checkPidfBody(undefined, good, 4096), { ok: false, problem: 'wrong-type', detail: 'none' });
  t.match(checkPidfBody('application/pidf+xml', '<presence', 4096), { ok: false, problem: 'malformed' });
  t.match(
    checkPidfBody('application/pidf+xml', '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>', 4096),
    { ok: false, problem: 'malformed' },
    'well-formed XML that is not PIDF',
  );
  t.match(
    checkPidfBody('application/pidf+xml', '<!DOCTYPE x [<!ENTITY a "b">]><presence/>', 4096),
    { ok: false, problem: 'malformed' },
    'a DTD is refused',
  );
  t.end();
});
