// The outcome of the last Resend, for the detail of the exchange it made (the
// detail view is new for each selected exchange, so it cannot keep it itself).
import { create } from 'zustand';

export interface ResendNote {
  /** The new exchange. */
  id: string;
  /** The one it was sent again from. */
  of: string;
  text: string;
}

export const useResend = create<{ note: ResendNote | null }>()(() => ({ note: null }));
