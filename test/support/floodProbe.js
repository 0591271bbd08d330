// Injected into the page before its own scripts (flood.spec.ts): records long
// tasks, the intervals between animation frames from `from` on, and for each
// keydown in an input the time until a frame shows the input's new value.
// Plain JavaScript because it runs in the browser, outside the Node typecheck.
(() => {
  const f = (window.__flood = { longTasks: [], frames: [], keys: [], from: Infinity });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) f.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = 0;
  let pending = [];
  const frame = (t) => {
    if (last && t >= f.from) f.frames.push(t - last);
    last = t;
    const now = performance.now();
    pending = pending.filter((k) => {
      if (k.input.value === k.before) return true;
      f.keys.push(now - k.at);
      return false;
    });
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  addEventListener(
    'keydown',
    (e) => {
      // timeStamp is when the key was pressed, before any wait for the main thread.
      if (e.target instanceof HTMLInputElement) pending.push({ at: e.timeStamp, before: e.target.value, input: e.target });
    },
    true,
  );
})();
