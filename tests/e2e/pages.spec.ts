// The API reference page and keyboard access.
import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('the API page is rendered from the OpenAPI document', async ({ page, request }) => {
  const doc = (await (await request.get('/api/v1/openapi.json')).json()) as { paths: Record<string, object> };
  await page.goto('/api');
  await expect(page.getByRole('heading', { name: /Loupe API/ })).toBeVisible();
  for (const path of Object.keys(doc.paths))
    await expect(page.locator('section.operation h2 code', { hasText: `/api/v1${path}` }).first()).toBeVisible();
  await expect(page.locator('#op-post-search')).toContainText('multipart/form-data');
  await expect(page.locator('#op-post-search')).toContainText('minScore');
  await expect(page.locator('#op-get-stats')).toContainText('admin');
  await screenshot(page, 'api-page');
});

test('keyboard: skip link, navigation, then the image picker', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  const picker = page.getByTestId('image-input');
  for (let i = 0; i < 10 && !(await picker.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(picker).toBeFocused();
  // Its visible label shows the focus.
  const ring = await page
    .locator('label[for]', { hasText: 'Choose an image' })
    .evaluate((el) => getComputedStyle(el).boxShadow);
  expect(ring).not.toBe('none');
});
