// Debian's headless chromium through playwright-core, as every browser test starts it: a
// throw-away profile, no sandbox (root in CI), no network side traffic of the browser itself.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

// withChromium(viewport, fn): runs fn(context) in a fresh browser; always closes it and
// removes its profile.
async function withChromium(viewport, fn) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'minitwit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

module.exports = { withChromium };
