// Drives the app as a first-time user would and saves the README's screenshots: search by object at a desktop size,
// a search on a phone (results scrolled into view), and the admin dashboard. Each step checks what it shows, so a
// broken page fails here instead of landing in the README. Saved as palette PNGs (sharp) to keep the repository small.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { searchWith, showLooseResults, signIn } from '../e2e/helpers';
import { REPO_ROOT } from '../e2e/paths';

const OUT = join(REPO_ROOT, 'docs', 'screenshots');

async function save(page: Page, name: string, { fullPage = false } = {}): Promise<void> {
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 10_000 });
  mkdirSync(OUT, { recursive: true });
  const png = await page.screenshot({ fullPage, animations: 'disabled' });
  await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toFile(join(OUT, `${name}.png`));
}

test('search by object on a desktop', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await searchWith(page, 'dog-bicycle-truck.jpg');
  const dog = page.locator('[data-testid="query-object"][data-label="dog"]');
  await dog.click();
  await expect(dog).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('result').first().getByTestId('result-via')).toHaveText('via its dog');
  await showLooseResults(page);
  await save(page, 'search-desktop', { fullPage: true });
});

test('a search on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await searchWith(page, 'cat.jpg');
  await expect(page.getByTestId('result').first()).toBeInViewport();
  await save(page, 'search-phone');
});

test('the admin dashboard', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await expect(page.getByText('demo').first()).toBeVisible();
  await save(page, 'admin-desktop', { fullPage: true });
});
