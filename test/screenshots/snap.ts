// Saves one README screenshot in both colour schemes. The page keeps the theme
// preference "system" (scriptedSession's init script), so emulating the OS
// scheme is what switches it: both images show the same moment.
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { SCHEMES, SHOT_DIR, shotFile, type ShotName } from './shots.js';

export async function snap(page: Page, name: ShotName, of?: Locator): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    const path = join(SHOT_DIR, shotFile(name, colorScheme));
    // The caret and animations would make each run differ for no reason.
    await (of ?? page).screenshot({ path, animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
