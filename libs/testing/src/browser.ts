import type { Browser, LaunchOptions } from 'playwright-core';
import { requireExecutable } from './processes.js';

/** Flags for Debian's Chromium as root in a container without a GPU or network beyond loopback. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Debian's `chromium` through playwright-core (no browser download). Playwright closes
 * the browser when this process exits.
 */
export async function launchBrowser(options: Omit<LaunchOptions, 'executablePath'> = {}): Promise<Browser> {
  const executablePath = requireExecutable('chromium', 'chromium');
  // Loaded on first use: playwright-core alone would add half a second to every test file's import.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    headless: true,
    ...options,
    executablePath,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}
