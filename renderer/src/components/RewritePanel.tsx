// What a rewrite rule changed in an exchange: the detail view's request and
// response are what the client sent and got; this shows the other side where
// it differs (the URL and headers that went upstream, the upstream's status,
// headers and body), each change in words, not by colour alone.
import type { BodyView, ExchangeDetail, HeaderPair } from '../../../electron/core/api';
import { BodyPanel } from './BodyPanel';
import { headerChanges } from './headerChanges';

function headerOf(headers: HeaderPair[], name: string): string {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';
}

/** "before → after", read as "before, became after". */
function Became({ before, after }: { before: string; after: string }) {
  return (
    <>
      <code>{before}</code>
      <span aria-hidden="true"> → </span>
      <span className="sr-only">, became </span>
      <code>{after}</code>
    </>
  );
}

function HeaderChanges({ title, before, after }: { title: string; before: HeaderPair[]; after: HeaderPair[] }) {
  const changes = headerChanges(before, after);
  if (changes.length === 0) return null;
  return (
    <table className="headers header-changes" aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {changes.map((c) => (
          <tr key={`${c.kind}:${c.name}`} className={`change-${c.kind}`}>
            <th scope="row">{c.name}</th>
            <td className="change-kind">{c.kind}</td>
            <td>{c.kind === 'changed' ? <Became before={c.before!} after={c.after!} /> : <code>{c.before ?? c.after}</code>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BothBodies({ before, after }: { before: { title: string; body: BodyView; headers: HeaderPair[] }; after: { title: string; body: BodyView; headers: HeaderPair[] } }) {
  return (
    <div className="columns">
      {[before, after].map((side) => (
        <BodyPanel key={side.title} title={side.title} body={side.body} contentType={headerOf(side.headers, 'content-type')} contentEncoding={headerOf(side.headers, 'content-encoding')} />
      ))}
    </div>
  );
}

export function RewritePanel({ detail }: { detail: ExchangeDetail }) {
  const up = detail.upstream;
  if (!up) return null;
  const { request: sent, response: answered } = up;
  const got = detail.response;
  const rules = up.rules.map((r) => `"${r}"`).join(', ');
  const urlChanged = sent !== null && sent.url !== detail.url;
  const statusChanged = answered !== null && got !== null && answered.status !== got.status;
  return (
    <section className="rewrite" aria-label="Rewrite">
      <h3>
        Rewritten by rule{up.rules.length === 1 ? '' : 's'} {rules}
      </h3>
      {(urlChanged || statusChanged) && (
        <dl className="rewrite-facts">
          {sent && urlChanged && (
            <>
              <dt>URL sent upstream</dt>
              <dd>
                <Became before={detail.url} after={sent.url} />
              </dd>
            </>
          )}
          {answered && got && statusChanged && (
            <>
              <dt>Status the client got</dt>
              <dd>
                <Became before={`${answered.status} ${answered.reason}`} after={`${got.status} ${got.reason}`} />
              </dd>
            </>
          )}
        </dl>
      )}
      {sent && <HeaderChanges title="Request headers changed on the way upstream" before={detail.request.headers} after={sent.headers} />}
      {answered && got && <HeaderChanges title="Response headers changed on the way to the client" before={answered.headers} after={got.headers} />}
      {sent?.body && (
        <BothBodies
          before={{ title: 'Request body the client sent', body: detail.request.body, headers: detail.request.headers }}
          after={{ title: 'Request body sent upstream', body: sent.body, headers: sent.headers }}
        />
      )}
      {answered?.body && got && (
        <BothBodies
          before={{ title: 'Response body from the upstream', body: answered.body, headers: answered.headers }}
          after={{ title: 'Response body the client got', body: got.body, headers: got.headers }}
        />
      )}
    </section>
  );
}
