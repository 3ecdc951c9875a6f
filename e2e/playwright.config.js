// Playwright drives the release dist/ (built by `trunk build --release`) in Debian's Chromium,
// against tinychat-server started here. scripts/test builds both before running this.
import { defineConfig } from '@playwright/test';

export const API_PORT = Number(process.env.E2E_API_PORT || 8790);
export const STATIC_PORT = Number(process.env.E2E_STATIC_PORT || 8791);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 8_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${API_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  },
  webServer: {
    // Same origin: the API and dist/ (as `scripts/serve` does). A second origin serving dist/
    // alone (STATIC_PORT) is used by the embedding tests.
    command: `../target/debug/tinychat-server --port ${API_PORT} --delay-ms 5 --static-dir ../dist --static-port ${STATIC_PORT} --quiet`,
    url: `http://127.0.0.1:${API_PORT}/health`,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    timeout: 20_000,
  },
});
