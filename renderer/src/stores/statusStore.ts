import { create } from 'zustand';
import type { Status } from '../../../electron/core/api';

export interface StatusStore {
  status: Status | null;
  connected: boolean;
  setStatus(status: Status): void;
  setConnected(connected: boolean): void;
}

export const useStatus = create<StatusStore>()((set) => ({
  status: null,
  connected: false,
  setStatus: (status) => set({ status }),
  setConnected: (connected) => set({ connected }),
}));
