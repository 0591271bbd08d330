// Every README screenshot, by name. The specs in this folder write each as
// docs/screenshots/NAME.png (light) and NAME-dark.png (dark) through snap(),
// which takes only these names; test/unit/screenshotsList.test.ts checks the
// README and docs/screenshots/ against this list.
export const SHOTS = [
  'onboarding',
  'traffic-detail',
  'sent-message',
  'compare',
  'bulk',
  'resend-copy-as',
  'websocket',
  'event-stream',
  'settings',
  'retrying',
  'sent-to-runscope',
  'replay-into-bucket',
  'har-import',
  'rules',
  'ca',
] as const;

export type ShotName = (typeof SHOTS)[number];

export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

export const SHOT_DIR = 'docs/screenshots';

export const shotFile = (name: ShotName, scheme: Scheme): string => `${name}${scheme === 'dark' ? '-dark' : ''}.png`;
