// Which view is open and what the traffic view is comparing: app state the tab
// bar, the traffic view and the command palette all change.
import { create } from 'zustand';

export const TABS = ['Traffic', 'Sessions', 'Rules', 'Sent to Runscope', 'Settings', 'CA certificate'] as const;
export type Tab = (typeof TABS)[number];

export interface ViewStore {
  tab: Tab;
  /** The two exchanges the compare view shows, while they are what is selected. */
  comparing: [string, string] | null;
  /** The traffic toolbar's last word on an action (an export's count, a refusal). */
  notice: string | null;
  paletteOpen: boolean;
  setTab(tab: Tab): void;
  setComparing(ids: [string, string] | null): void;
  setNotice(notice: string | null): void;
  setPaletteOpen(open: boolean): void;
}

export const useView = create<ViewStore>()((set) => ({
  tab: 'Traffic',
  comparing: null,
  notice: null,
  paletteOpen: false,
  setTab: (tab) => set({ tab }),
  setComparing: (comparing) => set({ comparing }),
  setNotice: (notice) => set({ notice }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
}));
