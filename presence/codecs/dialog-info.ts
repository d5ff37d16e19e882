/**
 * The dialog event package's document (RFC 4235 §4): what busy-lamp fields subscribe to. Parse a
 * received `application/dialog-info+xml` body into a {@link DialogInfo} value, and build one.
 */
import { documentError } from './errors.js';
import type { DocumentResult, ParseLimits } from './errors.js';
import { NS, dialogInfoPrefixes } from './namespaces.js';
import { buildXml } from './xml-build.js';
import type { XmlOut } from './xml-build.js';
import { childText, childrenNamed, firstChild, parseXml } from './xml.js';
import type { XmlElement } from './xml.js';

/** RFC 4235 §3.7.1 (and §4.1): MIME type of the body. */
export const DIALOG_INFO_CONTENT_TYPE = 'application/dialog-info+xml';

/** RFC 4235 §3.7.1: the dialog state machine's states. */
export const DIALOG_STATES = ['trying', 'proceeding', 'early', 'confirmed', 'terminated'] as const;
export type DialogState = (typeof DIALOG_STATES)[number];

/** RFC 4235 §4.1.2: why a dialog terminated (the `event` attribute of <state>). */
export const DIALOG_STATE_EVENTS = [
  'cancelled',
  'rejected',
  'replaced',
  'local-bye',
  'remote-bye',
  'error',
  'timeout',
] as const;
export type DialogStateEvent = (typeof DIALOG_STATE_EVENTS)[number];

/** RFC 4235 §4.1.6 participant: <identity> (with a display name) and <target uri>. */
export interface DialogParticipant {
  readonly identity?: string;
  readonly display?: string;
  readonly target?: string;
}

/** RFC 4235 §4.1.1 <dialog>. */
export interface DialogInfoDialog {
  readonly id: string;
  readonly callId?: string;
  readonly localTag?: string;
  readonly remoteTag?: string;
  readonly direction?: 'initiator' | 'recipient';
  readonly state: DialogState;
  readonly event?: DialogStateEvent;
  readonly code?: number;
  /** RFC 4235 §4.1.3: seconds since the dialog was created. */
  readonly duration?: number;
  readonly local?: DialogParticipant;
  readonly remote?: DialogParticipant;
}

/** RFC 4235 §4.1 <dialog-info>: `version` increases by one per notification; state full or partial. */
export interface DialogInfo {
  readonly entity: string;
  readonly version: number;
  readonly state: 'full' | 'partial';
  readonly dialogs: readonly DialogInfoDialog[];
}

class InvalidDialogInfo extends Error {}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function setIf<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function oneOf<T extends string>(values: readonly T[], v: string | undefined): T | undefined {
  return v !== undefined && (values as readonly string[]).includes(v) ? (v as T) : undefined;
}

export function parseDialogInfo(body: string | Uint8Array, limits?: ParseLimits): DocumentResult<DialogInfo> {
  const xml = parseXml(body, limits);
  if (!xml.ok) return xml;
  const root = xml.value;
  if (root.ns !== NS.dialogInfo || root.name !== 'dialog-info') {
    return documentError('not-dialog-info', `root element is {${root.ns}}${root.name}, not <dialog-info>`);
  }
  const versionText = root.attrs.get('version')?.trim();
  const state = oneOf(['full', 'partial'] as const, root.attrs.get('state')?.trim());
  const entity = root.attrs.get('entity')?.trim();
  if (versionText === undefined || !/^\d{1,10}$/.test(versionText) || Number(versionText) > 0xffffffff) {
    return documentError('invalid-document', 'dialog-info version must be a non-negative integer');
  }
  if (state === undefined)
    return documentError('invalid-document', 'dialog-info state must be full or partial');
  if (entity === undefined || entity === '')
    return documentError('invalid-document', 'dialog-info has no entity');
  try {
    const dialogs = childrenNamed(root, NS.dialogInfo, 'dialog').map(parseDialog);
    return { ok: true, value: { entity, version: Number(versionText), state, dialogs } };
  } catch (e) {
    if (e instanceof InvalidDialogInfo) return documentError('invalid-document', e.message);
    throw e;
  }
}

function parseParticipant(el: XmlElement | undefined): DialogParticipant | undefined {
  if (el === undefined) return undefined;
  const identityEl = firstChild(el, NS.dialogInfo, 'identity');
  const identity = identityEl?.text.trim();
  const display = identityEl?.attrs.get('display');
  const target = firstChild(el, NS.dialogInfo, 'target')?.attrs.get('uri')?.trim();
  return {
    ...(identity !== undefined && identity !== '' ? { identity } : {}),
    ...(display !== undefined ? { display } : {}),
    ...(target !== undefined && target !== '' ? { target } : {}),
  };
}

function parseDialog(el: XmlElement): DialogInfoDialog {
  const id = el.attrs.get('id');
  const stateEl = firstChild(el, NS.dialogInfo, 'state');
  const state = oneOf(DIALOG_STATES, stateEl?.text.trim());
  // RFC 4235 §4.1.1: `id` and <state> are mandatory.
  if (id === undefined || id === '') throw new InvalidDialogInfo('<dialog> has no id');
  if (state === undefined) throw new InvalidDialogInfo(`<dialog id="${id}"> has no valid <state>`);
  const event = oneOf(DIALOG_STATE_EVENTS, stateEl?.attrs.get('event')?.trim());
  const codeText = stateEl?.attrs.get('code')?.trim();
  const durationText = childText(el, NS.dialogInfo, 'duration');
  const direction = oneOf(['initiator', 'recipient'] as const, el.attrs.get('direction')?.trim());
  const local = parseParticipant(firstChild(el, NS.dialogInfo, 'local'));
  const remote = parseParticipant(firstChild(el, NS.dialogInfo, 'remote'));
  const d: Mutable<DialogInfoDialog> = { id, state };
  setIf(d, 'callId', el.attrs.get('call-id'));
  setIf(d, 'localTag', el.attrs.get('local-tag'));
  setIf(d, 'remoteTag', el.attrs.get('remote-tag'));
  setIf(d, 'direction', direction);
  setIf(d, 'event', event);
  setIf(d, 'code', codeText !== undefined && /^[1-6]\d\d$/.test(codeText) ? Number(codeText) : undefined);
  setIf(
    d,
    'duration',
    durationText !== undefined && /^\d{1,10}$/.test(durationText) ? Number(durationText) : undefined,
  );
  setIf(d, 'local', local);
  setIf(d, 'remote', remote);
  return d;
}

// ---- building -----------------------------------------------------------------------------------

function buildParticipant(name: 'local' | 'remote', p: DialogParticipant): XmlOut {
  const children: XmlOut[] = [];
  if (p.identity !== undefined) {
    children.push({ ns: NS.dialogInfo, name: 'identity', attrs: { display: p.display }, text: p.identity });
  }
  if (p.target !== undefined) children.push({ ns: NS.dialogInfo, name: 'target', attrs: { uri: p.target } });
  return { ns: NS.dialogInfo, name, children };
}

/** RFC 4235 §4.1.1 element order: state, duration, (replaces, referred-by, route-set,) local, remote. */
function buildDialog(d: DialogInfoDialog): XmlOut {
  const children: XmlOut[] = [
    { ns: NS.dialogInfo, name: 'state', attrs: { event: d.event, code: d.code }, text: d.state },
  ];
  if (d.duration !== undefined)
    children.push({ ns: NS.dialogInfo, name: 'duration', text: String(d.duration) });
  if (d.local) children.push(buildParticipant('local', d.local));
  if (d.remote) children.push(buildParticipant('remote', d.remote));
  return {
    ns: NS.dialogInfo,
    name: 'dialog',
    attrs: {
      id: d.id,
      'call-id': d.callId,
      'local-tag': d.localTag,
      'remote-tag': d.remoteTag,
      direction: d.direction,
    },
    children,
  };
}

export function buildDialogInfo(info: DialogInfo): string {
  return buildXml(
    {
      ns: NS.dialogInfo,
      name: 'dialog-info',
      attrs: { version: info.version, state: info.state, entity: info.entity },
      children: info.dialogs.map(buildDialog),
    },
    dialogInfoPrefixes,
  );
}
