// The traffic view's actions that the command palette runs too.
import { core, traffic } from '../core';
import { sessionNamed, useSessions } from '../stores/sessionStore';
import { useTraffic } from '../stores/trafficStore';
import { download, fileSafe } from './download';

/** Exports what the grid shows (its session and filter) as a HAR download; says how it went. */
export async function exportShownHar(): Promise<string> {
  const { session, filter } = useTraffic.getState().query;
  const sessionName = sessionNamed(useSessions.getState().sessions, session)?.name;
  const r = await core().invoke('exportHar', { session, filter });
  if (!r.ok) return `Export refused: ${r.error}`;
  download(`proxyscope-${fileSafe(sessionName ?? 'traffic')}.har`, r.har, 'application/json');
  return `Exported ${r.count} exchange${r.count === 1 ? '' : 's'}`;
}

export async function startNewSession(name?: string): Promise<void> {
  await core().invoke('newSession', name ? { name } : {});
  if (useTraffic.getState().query.session === 'current') traffic().refresh();
  else traffic().setQuery({ session: 'current' });
}
