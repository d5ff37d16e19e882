/**
 * XML namespace URIs of the presence documents. Elements are matched by namespace URI, never by
 * prefix: Kamailio, baresip, Linphone and sip.js applications bind different prefixes (or the
 * default namespace) to the same URIs.
 */
export const NS = Object.freeze({
  /** RFC 3863 §4 (PIDF). */
  pidf: 'urn:ietf:params:xml:ns:pidf',
  /** RFC 4479 §4 (presence data model: person, device). */
  dataModel: 'urn:ietf:params:xml:ns:pidf:data-model',
  /** RFC 4480 §3 (RPID). */
  rpid: 'urn:ietf:params:xml:ns:pidf:rpid',
  /** RFC 4481 §3 (timed presence). */
  timedStatus: 'urn:ietf:params:xml:ns:pidf:timed-status',
  /** RFC 4235 §4 (dialog event package). */
  dialogInfo: 'urn:ietf:params:xml:ns:dialog-info',
  /** Namespaces in XML 1.0 §3: the `xml` prefix is bound to this URI by definition. */
  xml: 'http://www.w3.org/XML/1998/namespace',
  /**
   * Pre-RFC RPID drafts, still sent by Asterisk-style servers as
   * `<pp:person><status><ep:activities><ep:busy/></ep:activities></status></pp:person>`. Read only.
   */
  legacyPerson: 'urn:ietf:params:xml:ns:pidf:person',
  legacyRpidPerson: 'urn:ietf:params:xml:ns:pidf:rpid:rpid-person',
});

/** Prefixes used when building documents (the PIDF namespace is the default namespace). */
export const pidfPrefixes: ReadonlyMap<string, string> = new Map([
  [NS.pidf, ''],
  [NS.dataModel, 'dm'],
  [NS.rpid, 'rpid'],
  [NS.timedStatus, 'ts'],
]);

export const dialogInfoPrefixes: ReadonlyMap<string, string> = new Map([[NS.dialogInfo, '']]);
