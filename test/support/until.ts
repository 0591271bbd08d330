// Polls until `probe` gives a value, or fails naming what was awaited: the
// deadline-bound wait tests use instead of sleeping. A probe may be async (a
// command of the core): its answer is awaited before the next poll.
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = await probe();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
