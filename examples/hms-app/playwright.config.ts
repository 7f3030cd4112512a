import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// The e2e test drives the patient-search page of its own development server (in-memory
// adapters, synthetic seed data, one session per role), so it needs no database and no
// identity provider. Chromium comes from CHROMIUM_PATH, else from Debian's package at
// /usr/bin/chromium, else from Playwright's own browser cache (as in the Playwright image).
const port = Number(process.env['E2E_PORT'] ?? '18090');
const chromiumPath = process.env['CHROMIUM_PATH'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  retries: 0,
  reporter: [['list'], ['junit', { outputFile: 'reports/playwright-junit.xml' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      ...(chromiumPath === undefined ? {} : { executablePath: chromiumPath }),
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
