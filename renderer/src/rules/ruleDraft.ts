// The Rules view's form model: a rule as the form edits it (text as typed),
// and the conversions between that and rule data. The core validates rules;
// here a value is only refused when it cannot be turned into data at all (a
// status that is not a number, headers that are not a JSON object). Types and
// fields this renderer does not know are kept as JSON text, so a rule made by
// a newer core survives a round trip through the form.
import type { Rule, RuleAction } from '../../../electron/core/api';

/** The action types the form has fields for; any other is edited as JSON. */
export const KNOWN_TYPES = ['mock', 'delay', 'breakpoint', 'rewrite', 'no-record', 'no-forward', 'bucket', 'redact', 'alert', 'passthrough'] as const satisfies readonly RuleAction['type'][];
export type KnownType = (typeof KNOWN_TYPES)[number];

export const isKnownType = (type: string): type is KnownType => (KNOWN_TYPES as readonly string[]).includes(type);

/** The action fields each known type has a control for (rule data names). */
export const FORM_FIELDS: Record<KnownType, readonly string[]> = {
  mock: ['status', 'headers', 'body', 'file'],
  delay: ['ms', 'kbps'],
  breakpoint: ['on'],
  bucket: ['bucket'],
  redact: ['headers', 'query', 'json', 'where'],
  alert: ['notify', 'perSecond', 'webhook'],
  rewrite: ['url', 'setRequestHeaders', 'removeRequestHeaders', 'setResponseHeaders', 'removeResponseHeaders', 'status', 'replaceBody'],
  'no-record': [],
  'no-forward': [],
  passthrough: [],
};

export interface ActionDraft {
  type: string;
  status: string;
  /** Mock headers as JSON object text ('' for none). */
  mockHeaders: string;
  answer: 'body' | 'file';
  body: string;
  file: string;
  ms: string;
  kbps: string;
  bucket: string;
  /** Redact lists, comma-separated. */
  redactHeaders: string;
  query: string;
  json: string;
  where: 'forward' | 'everywhere';
  /** Where a breakpoint pauses. */
  on: 'request' | 'response' | 'both';
  notify: boolean;
  perSecond: string;
  webhook: string;
  /** Rewrite: the new upstream URL, header changes (set: JSON objects; remove: comma-separated), status, body replacement. */
  rwUrl: string;
  setRequestHeaders: string;
  removeRequestHeaders: string;
  setResponseHeaders: string;
  removeResponseHeaders: string;
  rwStatus: string;
  pattern: string;
  replaceWith: string;
  replaceOn: 'request' | 'response';
  /** Per type, the fields the form has no control for, as JSON object text (all of them for an unknown type). */
  other: Record<string, string>;
}

export interface RuleDraft {
  /** Stable identity in the list (React key, counts, problems); not sent. */
  key: string;
  name: string;
  enabled: boolean;
  match: string;
  action: ActionDraft;
}

/** A value the form could not turn into data: the rule data field it is for, and why. */
export interface DraftProblem {
  field: string;
  message: string;
}

const NO_REWRITE = { rwUrl: '', setRequestHeaders: '', removeRequestHeaders: '', setResponseHeaders: '', removeResponseHeaders: '', rwStatus: '', pattern: '', replaceWith: '', replaceOn: 'response' } as const;

export function emptyAction(type: string): ActionDraft {
  return { type, status: '200', mockHeaders: '', answer: 'body', body: '', file: '', ms: '', kbps: '', bucket: '', redactHeaders: '', query: '', json: '', where: 'forward', on: 'request', notify: true, perSecond: '1', webhook: '', ...NO_REWRITE, other: {} };
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : '');
const jsonText = (v: unknown): string => JSON.stringify(v, null, 2);

export function toDraft(rule: Rule, key: string): RuleDraft {
  // The rule came over the wire: its action may be of a type this renderer was not built with.
  const a = rule.action as unknown as Record<string, unknown>;
  const type = String(a.type);
  const d = emptyAction(type);
  const formFields = isKnownType(type) ? FORM_FIELDS[type] : [];
  const rest = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'type' && !formFields.includes(k)));
  if (Object.keys(rest).length > 0 || !isKnownType(type)) d.other = { [type]: jsonText(rest) };
  if (type === 'mock') {
    d.status = text(a.status, '200');
    d.mockHeaders = a.headers && typeof a.headers === 'object' && Object.keys(a.headers).length > 0 ? jsonText(a.headers) : '';
    d.answer = a.file !== undefined ? 'file' : 'body';
    d.body = text(a.body);
    d.file = text(a.file);
  } else if (type === 'delay') {
    d.ms = text(a.ms);
    d.kbps = text(a.kbps);
  }
  else if (type === 'breakpoint') d.on = a.on === 'response' || a.on === 'both' ? a.on : 'request';
  else if (type === 'bucket') d.bucket = text(a.bucket);
  else if (type === 'redact') {
    d.redactHeaders = list(a.headers);
    d.query = list(a.query);
    d.json = list(a.json);
    d.where = a.where === 'everywhere' ? 'everywhere' : 'forward';
  } else if (type === 'rewrite') {
    const objectText = (v: unknown) => (v && typeof v === 'object' && Object.keys(v).length > 0 ? jsonText(v) : '');
    const replace = (a.replaceBody ?? {}) as Record<string, unknown>;
    Object.assign(d, {
      rwUrl: text(a.url),
      setRequestHeaders: objectText(a.setRequestHeaders),
      removeRequestHeaders: list(a.removeRequestHeaders),
      setResponseHeaders: objectText(a.setResponseHeaders),
      removeResponseHeaders: list(a.removeResponseHeaders),
      rwStatus: text(a.status),
      pattern: text(replace.pattern),
      replaceWith: text(replace.with),
      replaceOn: replace.on === 'request' ? 'request' : 'response',
    });
  } else if (type === 'alert') {
    d.notify = a.notify !== false;
    d.perSecond = text(a.perSecond, '1');
    d.webhook = text(a.webhook);
  }
  return { key, name: rule.name, enabled: rule.enabled, match: rule.match, action: d };
}

export function newDraft(key: string, position: number): RuleDraft {
  return { key, name: `rule ${position}`, enabled: true, match: '', action: emptyAction('mock') };
}

/** '' is left out (the core's default, or its "required"); else a whole number. */
function wholeNumber(value: string, field: string, problems: DraftProblem[], required?: string): number | undefined {
  const t = value.trim();
  if (t === '') {
    if (required) problems.push({ field, message: required });
    return undefined;
  }
  if (/^-?\d+$/.test(t)) return Number(t);
  problems.push({ field, message: 'must be a whole number' });
  return undefined;
}

function jsonObject(value: string, field: string, problems: DraftProblem[], what: string): Record<string, unknown> {
  if (value.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(value);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below, the same as valid JSON of the wrong shape
  }
  problems.push({ field, message: `must be a JSON object${what}` });
  return {};
}

const names = (value: string): string[] =>
  value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Where a type's "other fields" problems go: the JSON text box, named as the core names the action. */
export const OTHER_FIELD = 'action';

function actionData(d: ActionDraft, problems: DraftProblem[]): Record<string, unknown> {
  const other = d.other[d.type];
  const extra = other === undefined ? {} : jsonObject(other, OTHER_FIELD, problems, ' of the action’s fields');
  const known: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => v !== undefined && (known[k] = v);
  switch (d.type) {
    case 'mock':
      put('status', wholeNumber(d.status, 'action.status', problems));
      put('headers', jsonObject(d.mockHeaders, 'action.headers', problems, ' of header names to values, e.g. {"content-type": "text/plain"}'));
      if (d.answer === 'file') put('file', d.file);
      else if (d.body !== '') put('body', d.body);
      break;
    case 'delay':
      put('ms', wholeNumber(d.ms, 'action.ms', problems));
      put('kbps', wholeNumber(d.kbps, 'action.kbps', problems));
      if (d.ms.trim() === '' && d.kbps.trim() === '') problems.push({ field: 'action.ms', message: 'give a delay in milliseconds and/or a throttle in kbps' });
      break;
    case 'breakpoint':
      put('on', d.on);
      break;
    case 'bucket':
      put('bucket', d.bucket);
      break;
    case 'redact':
      put('headers', names(d.redactHeaders));
      put('query', names(d.query));
      put('json', names(d.json));
      put('where', d.where);
      break;
    case 'rewrite': {
      const headersOf = (v: string, field: string) => (v.trim() === '' ? undefined : jsonObject(v, field, problems, ' of header names to values'));
      const listOf = (v: string) => (names(v).length > 0 ? names(v) : undefined);
      if (d.rwUrl.trim() !== '') put('url', d.rwUrl.trim());
      put('setRequestHeaders', headersOf(d.setRequestHeaders, 'action.setRequestHeaders'));
      put('removeRequestHeaders', listOf(d.removeRequestHeaders));
      put('setResponseHeaders', headersOf(d.setResponseHeaders, 'action.setResponseHeaders'));
      put('removeResponseHeaders', listOf(d.removeResponseHeaders));
      put('status', wholeNumber(d.rwStatus, 'action.status', problems));
      if (d.pattern !== '') put('replaceBody', { pattern: d.pattern, with: d.replaceWith, on: d.replaceOn });
      break;
    }
    case 'alert':
      put('notify', d.notify);
      put('perSecond', wholeNumber(d.perSecond, 'action.perSecond', problems));
      if (d.webhook.trim() !== '') put('webhook', d.webhook.trim());
      break;
  }
  // The form's own controls win over the same name in the JSON of other fields.
  return { ...extra, ...known, type: d.type };
}

/** The rule data to send, or what could not be converted. */
export function fromDraft(d: RuleDraft): { ok: true; rule: Record<string, unknown> } | { ok: false; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const action = actionData(d.action, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, rule: { name: d.name, enabled: d.enabled, match: d.match, action } };
}

/**
 * Which control a problem is shown under, from its dotted field (as the core
 * names it): the rule's own fields, a form field of the action, the JSON of
 * the action's other fields, or the action type. `rule` for the rule as a whole.
 */
export function slotOf(field: string, action: ActionDraft): string {
  if (field === 'name' || field === 'enabled' || field === 'match') return field;
  if (field !== OTHER_FIELD && !field.startsWith('action.')) return 'rule';
  const seg = field.split('.')[1] ?? '';
  const hasOther = action.other[action.type] !== undefined;
  if (isKnownType(action.type) && FORM_FIELDS[action.type].includes(seg)) return `action.${seg}`;
  if (seg === 'type') return 'action.type';
  return hasOther ? OTHER_FIELD : 'action.type';
}
