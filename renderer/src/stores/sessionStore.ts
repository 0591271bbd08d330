// The session store's sessions as the core last listed them.
import { create } from 'zustand';
import type { SessionInfo } from '../../../electron/core/api';

export interface SessionStore {
  sessions: SessionInfo[];
  load(sessions: SessionInfo[]): void;
}

export const useSessions = create<SessionStore>()((set) => ({
  sessions: [],
  load: (sessions) => set({ sessions }),
}));

export const currentSession = (sessions: readonly SessionInfo[]): SessionInfo | undefined => sessions.find((s) => s.current);

/** The session a query's `session` names ('current' or an id). */
export function sessionNamed(sessions: readonly SessionInfo[], which: number | 'current'): SessionInfo | undefined {
  return which === 'current' ? currentSession(sessions) : sessions.find((s) => s.id === which);
}
