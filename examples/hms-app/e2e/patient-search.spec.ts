import { expect, test } from '@playwright/test';

const NURSE_TOKEN = 'e2e-token-nurse-000001';
const AUDITOR_TOKEN = 'e2e-token-auditor-00001';
const CLINICIAN_TOKEN = 'e2e-token-clinician-001';

test('nurse finds a synthetic patient by name prefix', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Patient search');
  await page.getByLabel('Session token').fill(NURSE_TOKEN);
  await page.getByLabel('Family or given name starts with').fill('Sample');
  await page.getByRole('button', { name: 'Search' }).click();

  await expect(page.getByRole('status')).toHaveText('1 patient(s) found');
  const rows = page.locator('#results tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td')).toHaveText(['Bruno Sampleton', 'male', '1971-11-30']);
});

test('auditor is refused with the server message', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Session token').fill(AUDITOR_TOKEN);
  await page.getByLabel('Family or given name starts with').fill('Test');
  await page.getByRole('button', { name: 'Search' }).click();

  await expect(page.getByRole('status')).toHaveText('Search failed (403): role auditor lacks permission patient:read');
  await expect(page.locator('#results')).toBeHidden();
});

test('names from the server are shown as text, not HTML', async ({ page, request }) => {
  const markup = '<img src=x onerror=alert(1)>';
  const created = await request.post('/fhir/Patient', {
    headers: { authorization: `Bearer ${CLINICIAN_TOKEN}`, 'content-type': 'application/fhir+json' },
    data: { resourceType: 'Patient', name: [{ family: 'Zmarkup', given: [markup] }], gender: 'unknown' },
  });
  expect(created.status()).toBe(201);

  await page.goto('/');
  await page.getByLabel('Session token').fill(NURSE_TOKEN);
  await page.getByLabel('Family or given name starts with').fill('Zmarkup');
  await page.getByRole('button', { name: 'Search' }).click();

  await expect(page.getByRole('status')).toHaveText('1 patient(s) found');
  await expect(page.locator('#results tbody td').first()).toHaveText(`${markup} Zmarkup`);
  await expect(page.locator('img')).toHaveCount(0);
});
