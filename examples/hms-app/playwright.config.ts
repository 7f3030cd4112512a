import { defineConfig } from '@playwright/test';

// The e2e test drives the patient-search page of the development server (in-memory adapters,
// synthetic seed data) in a locally installed Chromium, because this project never downloads a
// browser: set CHROMIUM_PATH when Chromium is not at /usr/bin/chromium (Debian's package).
const port = Number(process.env['E2E_PORT'] ?? '18090');

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  retries: 0,
  reporter: [['list'], ['junit', { outputFile: 'reports/playwright-junit.xml' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: 'npm run build && node dist/dev-server.js',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(port),
      HMS_SEED_BUNDLE: 'db/seed-bundle.json',
      HMS_DEV_SESSIONS:
        'e2e-token-nurse-000001:nurse:rn-e2e,e2e-token-auditor-00001:auditor:audit-e2e,e2e-token-clinician-001:clinician:dr-e2e',
    },
  },
});
