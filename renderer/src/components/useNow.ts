// A clock for relative times ("12 s ago"), ticking only while something shows
// one, so a hidden Started column costs the grid no re-renders.
import { useEffect, useState } from 'react';

const TICK_MS = 5_000;

export function useNow(enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [enabled]);
  return now;
}
