// Search by object in real Chromium against the real models: the query's objects are drawn and offered; picking one
// (its chip, or a click on it in the image) searches that object, and each result matched through one of its own
// objects shows it outlined; masks outline the query's objects; the item page lists its objects.
import { expect, test } from '@playwright/test';
import { screenshot, searchWith, signIn } from './helpers';
import { photo } from './paths';

test.describe('search by object', () => {
  test("picking an object of the query finds the items holding one like it, each with the matched object outlined", async ({ page }) => {
    await page.goto('/');
    await searchWith(page, 'dog-bicycle-truck.jpg');
    const dog = page.locator('[data-testid="query-object"][data-label="dog"]');
    await expect(dog).toHaveCount(1);
    await expect(page.getByTestId('query-image').getByTestId('object-box').first()).toBeVisible();

    await dog.click();
    await expect(dog).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('crop-rect')).toBeVisible();
    await expect(page.getByTestId('crop-info')).toContainText('Region');
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);
    // The demo catalog holds this very photo: it comes first, matched through its own dog.
    const first = page.getByTestId('result').first();
    await expect(first.getByTestId('result-title')).toHaveText('dog-bicycle-truck.jpg');
    await expect(first.getByTestId('result-region')).toHaveAttribute('data-label', 'dog');
    await expect(first.getByTestId('result-via')).toHaveText('via its dog');
    const id = await first.getAttribute('data-item-id');
    await screenshot(page, 'search-by-object');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'search-by-object-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A click inside an object in the image picks it too (here the bicycle: the dog's chip is no longer pressed).
    const bicycle = page.locator('[data-testid="query-object"][data-label="bicycle"]');
    await expect(bicycle).toHaveCount(1);
    const overlay = (await page.getByTestId('query-overlay').boundingBox())!;
    const [, , vw, vh] = (await page.getByTestId('query-overlay').getAttribute('viewBox'))!.split(' ').map(Number);
    const outline = page.getByTestId('query-image').locator('[data-testid="object-box"][data-label="bicycle"] rect').first();
    const [x, y, w, h] = await Promise.all(['x', 'y', 'width', 'height'].map(async (a) => Number(await outline.getAttribute(a))));
    // A point of the bicycle's box right of the dog (and below the truck): the smallest object there is the bicycle.
    await page.mouse.click(overlay.x + ((x! + 0.85 * w!) * overlay.width) / vw!, overlay.y + ((y! + 0.4 * h!) * overlay.height) / vh!);
    await expect(bicycle).toHaveAttribute('aria-pressed', 'true');
    await expect(dog).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);

    // Masks: each object outlined by the server (COCO RLE), drawn as a translucent overlay.
    await page.getByTestId('masks-toggle').check();
    await expect(page.getByTestId('query-image').locator('[data-testid="object-mask"][data-label="dog"]')).toHaveCount(1, { timeout: 60_000 });
    expect(await page.getByTestId('query-image').locator('[data-testid="object-mask"][data-label="dog"] rect').count()).toBeGreaterThan(20);
    await screenshot(page, 'search-masks');

    // The item page lists the objects found at ingest.
    await page.goto(`/items/${id}`);
    await expect(page.getByTestId('item-objects')).toContainText('dog');
    await expect(page.getByTestId('item-image').getByTestId('object-box').first()).toBeVisible();
  });

  test('in a catalog that stores masks, a result matched through an object shows its mask under the Masks switch, and so does the item page', async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page);
    await page.getByTestId('new-catalog-slug').fill('e2e-masks');
    await page.getByTestId('new-catalog-objects').selectOption('masks');
    await page.getByRole('button', { name: 'Create catalog' }).click();
    const row = page.getByTestId('catalog-e2e-masks');
    await expect(row.getByTestId('catalog-objects-e2e-masks')).toHaveValue('masks');
    await row.getByRole('link', { name: 'Open' }).click();
    await page.getByTestId('upload-input').setInputFiles(photo('dog-bicycle-truck.jpg'));
    await page.getByTestId('upload-submit').click();
    await expect(page.getByTestId('job')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

    await page.goto('/');
    await searchWith(page, 'dog-bicycle-truck.jpg');
    await page.getByTestId('filter-catalog').selectOption('e2e-masks');
    await page.locator('[data-testid="query-object"][data-label="dog"]').click();
    const first = page.getByTestId('result').first();
    await expect(first.getByTestId('result-region')).toHaveAttribute('data-label', 'dog');
    await expect(first.getByTestId('result-mask')).toHaveCount(0);
    await page.getByTestId('masks-toggle').check();
    await expect(first.locator('[data-testid="result-mask"][data-label="dog"]')).toHaveCount(1);
    expect(await first.locator('[data-testid="result-mask"] rect').count()).toBeGreaterThan(20);
    await screenshot(page, 'search-result-masks', { fullPage: false });
    await page.getByTestId('masks-toggle').uncheck();
    await expect(first.getByTestId('result-mask')).toHaveCount(0);

    await first.getByTestId('result-title').click();
    await expect(page.getByTestId('item-image').locator('[data-testid="object-mask"][data-label="dog"]')).toHaveCount(1);

    // The catalog goes again, so that the specs after this one see the demo catalog alone.
    await page.goto('/admin');
    await page.getByTestId('catalog-e2e-masks').getByRole('button', { name: /^Delete / }).click();
    await page.getByTestId('catalog-e2e-masks').getByRole('button', { name: /Really delete/ }).click();
    await expect(page.getByTestId('catalog-e2e-masks')).toHaveCount(0);
  });
});
