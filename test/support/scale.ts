// Randomised and repeated tests run small in `npm test` and at full size in
// `npm run test:soak` (vitest.soak.config.ts sets PROXYSCOPE_SOAK=1 and lists
// the files that use this).
const soak = process.env.PROXYSCOPE_SOAK === '1';

export const scaled = (quick: number, full: number): number => (soak ? full : quick);
