// @ts-check
const { defineConfig } = require('@playwright/test');
module.exports = defineConfig({
  testDir: 'e2e',
  workers: 1,
  reporter: [['junit', { outputFile: 'reports/junit-playwright.xml' }]],
  use: {
    baseURL: 'http://127.0.0.1:8765',
    browserName: 'chromium',
    launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] },
  },
});
