import { removePrivateDataDir } from '../../app/testing/private-data-dir.js';

/** Playwright's global teardown: removes the run's private data folder (see playwright.config.ts). */
function teardown(): void {
  removePrivateDataDir();
}

// Playwright reads the default export of a global teardown file.
// eslint-disable-next-line no-restricted-syntax
export default teardown;
