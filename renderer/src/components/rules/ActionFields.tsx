// A rule's action: its type, and that type's fields as a small form. A type
// this renderer does not know (a newer core's) is edited as JSON, and so are
// the fields of a known type that the form has no control for.
import type { ReactNode } from 'react';
import { isKnownType, KNOWN_TYPES, OTHER_FIELD, type ActionDraft } from '../../rules/ruleDraft';
import { FieldProblems, invalidProps } from './FieldProblems';

type Slots = Readonly<Record<string, readonly string[]>>;
const NONE: readonly string[] = [];

const WHAT: Record<string, string> = {
  passthrough: 'The TLS tunnel is not decrypted; its match may use only host and port.',
  'no-record': 'The exchange goes through and is neither stored, shown nor forwarded.',
  'no-forward': 'Stored and shown, not sent to Runscope.',
  rewrite: 'The request changes before it goes upstream, and the response before the client gets it; the exchange keeps both versions.',
  breakpoint: 'The exchange waits for you (listed above the traffic grid): edit it, then resume, drop or answer it; it goes on by itself after the breakpoint timeout. Its match is decided from the request, for both phases.',
};

interface Props {
  ruleKey: string;
  action: ActionDraft;
  slots: Slots;
  onChange: (action: ActionDraft) => void;
}

function Field({ id, label, slot, slots, hint, children }: { id: string; label: string; slot: string; slots: Slots; hint?: string; children: (props: ReturnType<typeof invalidProps>) => ReactNode }) {
  const messages = slots[slot] ?? NONE;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(invalidProps(`${id}-problems`, messages, hint && `${id}-hint`))}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldProblems id={`${id}-problems`} messages={messages} />
    </div>
  );
}

export function ActionFields({ ruleKey, action, slots, onChange }: Props) {
  const id = (field: string) => `${ruleKey}-${field}`;
  const set = (patch: Partial<ActionDraft>) => onChange({ ...action, ...patch });
  const text = (field: keyof ActionDraft, label: string, slot: string, hint?: string, numeric?: boolean) => (
    <Field id={id(field)} label={label} slot={slot} slots={slots} hint={hint}>
      {(p) => <input id={id(field)} className={numeric ? 'short' : undefined} inputMode={numeric ? 'numeric' : undefined} value={action[field] as string} onChange={(e) => set({ [field]: e.target.value })} {...p} />}
    </Field>
  );
  const area = (field: keyof ActionDraft, label: string, slot: string, hint?: string) => (
    <Field id={id(field)} label={label} slot={slot} slots={slots} hint={hint}>
      {(p) => <textarea id={id(field)} className="mono" rows={3} spellCheck={false} value={action[field] as string} onChange={(e) => set({ [field]: e.target.value })} {...p} />}
    </Field>
  );
  const known = isKnownType(action.type);
  const other = action.other[action.type];
  // A type this renderer does not know stays selectable after switching away from it.
  const unknownTypes = [...new Set([action.type, ...Object.keys(action.other)])].filter((t) => !isKnownType(t));

  return (
    <div className="action-fields">
      <Field id={id('type')} label="Action" slot="action.type" slots={slots}>
        {(p) => (
          <select id={id('type')} value={action.type} onChange={(e) => set({ type: e.target.value })} {...p}>
            {KNOWN_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {unknownTypes.map((t) => (
              <option key={t} value={t}>
                {t} (edited as JSON)
              </option>
            ))}
          </select>
        )}
      </Field>
      {WHAT[action.type] && <p className="hint">{WHAT[action.type]}</p>}
      {action.type === 'mock' && (
        <>
          {text('status', 'Status', 'action.status', undefined, true)}
          {area('mockHeaders', 'Headers (JSON object)', 'action.headers')}
          <Field id={id('answer')} label="Answer with" slot="answer" slots={slots}>
            {(p) => (
              <select id={id('answer')} value={action.answer} onChange={(e) => set({ answer: e.target.value as ActionDraft['answer'] })} {...p}>
                <option value="body">a body</option>
                <option value="file">a file’s bytes</option>
              </select>
            )}
          </Field>
          {action.answer === 'body' ? area('body', 'Body', 'action.body') : text('file', 'File', 'action.file', 'read each time the rule matches')}
        </>
      )}
      {action.type === 'delay' && (
        <>
          {text('ms', 'Delay (ms)', 'action.ms', 'before the request goes upstream', true)}
          {text('kbps', 'Throttle (kbps)', 'action.kbps', 'the response body at most this fast (kbit/s)', true)}
        </>
      )}
      {action.type === 'breakpoint' && (
        <Field id={id('on')} label="Pause at" slot="action.on" slots={slots}>
          {(p) => (
            <select id={id('on')} value={action.on} onChange={(e) => set({ on: e.target.value as ActionDraft['on'] })} {...p}>
              <option value="request">the request, before the upstream is asked</option>
              <option value="response">the response, before the client gets it</option>
              <option value="both">both</option>
            </select>
          )}
        </Field>
      )}
      {action.type === 'rewrite' && (
        <>
          {text('rwUrl', 'Send to URL', 'action.url', 'another upstream: scheme and host (and port), and its path and query when given')}
          {area('setRequestHeaders', 'Set request headers (JSON object)', 'action.setRequestHeaders')}
          {text('removeRequestHeaders', 'Remove request headers', 'action.removeRequestHeaders', 'comma-separated')}
          {area('setResponseHeaders', 'Set response headers (JSON object)', 'action.setResponseHeaders')}
          {text('removeResponseHeaders', 'Remove response headers', 'action.removeResponseHeaders', 'comma-separated')}
          {text('rwStatus', 'Response status', 'action.status', 'the status the client gets instead', true)}
          {text('pattern', 'Replace in the body (regular expression)', 'action.replaceBody', 'every match is replaced')}
          {text('replaceWith', 'With', 'action.replaceBody')}
          <Field id={id('replaceOn')} label="In the body of" slot="action.replaceBody" slots={slots}>
            {(p) => (
              <select id={id('replaceOn')} value={action.replaceOn} onChange={(e) => set({ replaceOn: e.target.value as ActionDraft['replaceOn'] })} {...p}>
                <option value="response">the response</option>
                <option value="request">the request</option>
              </select>
            )}
          </Field>
        </>
      )}
      {action.type === 'bucket' && text('bucket', 'Bucket', 'action.bucket', 'forwarded to this bucket instead of the default one')}
      {action.type === 'redact' && (
        <>
          {text('redactHeaders', 'Headers to redact', 'action.headers', 'comma-separated')}
          {text('query', 'Query parameters to redact', 'action.query', 'comma-separated')}
          {text('json', 'JSON fields to redact', 'action.json', 'comma-separated: names anywhere, or $.a.b paths')}
          <Field id={id('where')} label="Where" slot="action.where" slots={slots}>
            {(p) => (
              <select id={id('where')} value={action.where} onChange={(e) => set({ where: e.target.value as ActionDraft['where'] })} {...p}>
                <option value="forward">in what is forwarded</option>
                <option value="everywhere">everywhere (also the stored copy, the UI and exports)</option>
              </select>
            )}
          </Field>
        </>
      )}
      {action.type === 'alert' && (
        <>
          <Field id={id('notify')} label="Notify in the UI" slot="action.notify" slots={slots}>
            {(p) => <input id={id('notify')} type="checkbox" checked={action.notify} onChange={(e) => set({ notify: e.target.checked })} {...p} />}
          </Field>
          {text('perSecond', 'At most per second', 'action.perSecond', 'matches past this are counted into the next alert', true)}
          {text('webhook', 'Webhook URL', 'action.webhook', 'optional: one JSON POST per alert, kept until the receiver answers')}
        </>
      )}
      {other !== undefined && (
        <Field id={id('other')} label={known ? 'Other fields (JSON)' : 'Action fields (JSON)'} slot={OTHER_FIELD} slots={slots}>
          {(p) => <textarea id={id('other')} className="mono" rows={4} spellCheck={false} value={other} onChange={(e) => set({ other: { ...action.other, [action.type]: e.target.value } })} {...p} />}
        </Field>
      )}
    </div>
  );
}
