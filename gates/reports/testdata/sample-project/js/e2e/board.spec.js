// @ts-check
const { test, expect } = require('@playwright/test');

test('board shows the ward name', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Ward A occupancy');
});

// Fails on purpose: the board shows 3 free beds.
test('board shows five free beds', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('p')).toHaveText('Beds free: 5 of 12', { timeout: 1000 });
});

test.skip('board refreshes every minute', async () => {});
