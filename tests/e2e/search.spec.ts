// Search by image in real Chromium against the real model: classes, boxes, heatmap, crop search, filters, paging,
// more like this, the item page, and clear messages for files that are not images.
import { expect, test } from '@playwright/test';
import { moreLikeSecondResult, photoTransfer, resultList, screenshot, searchWith, showLooseResults } from './helpers';
import { fixture, photo } from './paths';

test.describe('search by image', () => {
  test('a photo gives its top class, a box and similar results; the heatmap overlays it', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Search by image' })).toBeVisible();
    await searchWith(page, 'cat.jpg');

    await expect(page.getByTestId('prediction')).toHaveCount(5);
    await expect(page.getByTestId('prediction').first()).toContainText('Egyptian cat');
    await expect(page.getByTestId('box').first()).toBeVisible();
    await expect(page.getByTestId('box').first()).toContainText('Egyptian cat');
    await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'server');

    // The demo catalog holds the same photo: it comes first, with a cosine similarity of 1.
    const results = page.getByTestId('result');
    await expect(results).toHaveCount(12);
    await expect(results.first().getByTestId('result-title')).toHaveText('cat.jpg');
    expect(Number(await results.first().getByTestId('result-score').textContent())).toBeGreaterThan(0.99);
    const scores = (await resultList(page)).map(([, s]) => Number(s));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // Each card says what its item shows: a sure ImageNet class as it is; where ImageNet only guesses (it has no
    // horse: "Arabian camel"), the detected objects' labels.
    await expect(results.first().getByTestId('result-caption')).toHaveText('Egyptian cat');

    // The overlay is drawn over the displayed image, at its size.
    const image = await page.getByTestId('query-image').locator('img').first().boundingBox();
    const overlay = await page.getByTestId('query-overlay').boundingBox();
    expect(Math.abs(image!.width - overlay!.width)).toBeLessThan(2);
    expect(Math.abs(image!.height - overlay!.height)).toBeLessThan(2);

    await page.getByTestId('heatmap-toggle').check();
    await expect(page.getByTestId('heatmap')).toBeVisible();
    expect(await page.getByTestId('heatmap').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await screenshot(page, 'search-results');

    await searchWith(page, 'horses.jpg');
    await expect(results.first().getByTestId('result-title')).toHaveText('horses.jpg');
    await expect(results.first().getByTestId('result-caption')).toHaveText(/^horse/);
  });

  test('crop search: a region of the image changes the classes and the results', async ({ page }) => {
    await page.goto('/');
    await searchWith(page, 'dog-bicycle-truck.jpg');
    await expect(page.getByTestId('prediction').first()).toContainText('malamute');
    const before = await resultList(page);

    // Drag over the truck (original pixels ≈ 390,60 – 640,200 of 640×480), in displayed coordinates.
    const box = (await page.getByTestId('query-overlay').boundingBox())!;
    const sx = box.width / 640;
    const sy = box.height / 480;
    await page.mouse.move(box.x + 390 * sx, box.y + 60 * sy);
    await page.mouse.down();
    await page.mouse.move(box.x + 520 * sx, box.y + 130 * sy, { steps: 5 });
    await page.mouse.move(box.x + 639 * sx, box.y + 200 * sy, { steps: 5 });
    await page.mouse.up();

    await expect(page.getByTestId('crop-info')).toContainText('Region');
    await expect(page.getByTestId('crop-rect')).toBeVisible();
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);
    await expect(page.getByTestId('prediction').first()).not.toContainText('malamute');
    const after = await resultList(page);
    expect(after).not.toEqual(before);
    expect(Number(after[0]![1])).toBeLessThan(0.99);

    // Back to the whole image.
    await page.getByRole('button', { name: 'Search whole image' }).click();
    await expect(page.getByTestId('prediction').first()).toContainText('malamute');
    await expect.poll(() => resultList(page)).toEqual(before);
  });

  test('filters: minimum score, predicted class, and load more', async ({ page }) => {
    await page.goto('/');
    await searchWith(page, 'cat.jpg');
    // Other specs add catalogs to the same server: look at the demo catalog alone.
    await page.getByTestId('filter-catalog').selectOption('demo');
    await expect.poll(async () => (await resultList(page)).length).toBe(12);
    await expect(page.getByTestId('load-more')).toBeVisible();
    await page.getByTestId('load-more').click();
    await expect(page.getByTestId('result')).toHaveCount(14); // the whole demo catalog
    await expect(page.getByTestId('load-more')).toHaveCount(0);

    await page.getByTestId('filter-min-score').fill('0.5');
    await expect(page.getByTestId('min-score-value')).toHaveText('0.50');
    await expect.poll(async () => (await resultList(page)).length).toBeLessThan(14);
    for (const [, score] of await resultList(page)) expect(Number(score)).toBeGreaterThanOrEqual(0.5);
    await page.getByTestId('filter-min-score').fill('0');

    await page.getByTestId('filter-class').selectOption({ label: 'Egyptian cat' });
    await expect.poll(async () => (await resultList(page)).length).toBe(1);
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('cat.jpg');
  });

  test('more like this searches by an indexed item, and the item page shows it', async ({ page }) => {
    await page.goto('/');
    await searchWith(page, 'espresso.jpg');
    const { id, title } = await moreLikeSecondResult(page);
    await expect(page).toHaveURL(new RegExp(`\\?item=${id}$`));
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', title);
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);
    const ids = (await resultList(page)).map(([i]) => i);
    expect(ids).not.toContain(id);
    expect(ids.length).toBeGreaterThan(0);

    // The URL keeps the query: a reload shows the same results.
    await page.reload();
    await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'item');
    await expect.poll(async () => (await resultList(page)).map(([i]) => i)).toEqual(ids);

    // The item page: image, box, metadata, predictions, similar items.
    await showLooseResults(page);
    await page.getByTestId('result').first().locator('a.thumb').click();
    await expect(page).toHaveURL(/\/items\/\d+$/);
    await expect(page.getByTestId('item-title')).toBeVisible();
    await expect(page.getByTestId('item-meta')).toContainText('demo');
    await expect(page.getByTestId('prediction').first()).toBeVisible();
    await expect(page.getByTestId('item-image').getByTestId('box').first()).toBeVisible();
    await expect(page.getByTestId('result').first()).toBeVisible();
    await screenshot(page, 'item-page');
  });

  test('a corrupt or unsupported file gets a clear message, and the app keeps working', async ({ page }) => {
    await page.goto('/');
    const input = page.getByTestId('image-input');

    await input.setInputFiles(fixture('bad', 'text.jpg'));
    const alert = page.getByTestId('error');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Unsupported file');
    await expect(alert).toHaveAttribute('data-code', 'UNSUPPORTED_IMAGE');
    // The file is dropped: no query image, no results from it; the page is back at its start.
    await expect(page.getByTestId('query')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Start from a catalog image' })).toBeVisible();
    await screenshot(page, 'error-unsupported');

    await input.setInputFiles(fixture('bad', 'truncated-body.jpg'));
    await expect(alert).toContainText('Corrupt image');
    await expect(alert).toHaveAttribute('data-code', 'CORRUPT_IMAGE');

    // The same page still searches.
    await searchWith(page, photo('orange.jpg'));
    await expect(page.getByTestId('error')).toHaveCount(0);
    await expect(page.getByTestId('prediction').first()).toContainText('orange');
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('orange.jpg');
  });

  test('drag and drop, and paste, start a search too', async ({ page }) => {
    await page.goto('/');
    const fileIn = (name: string) => photoTransfer(page, name);

    let searched = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: await fileIn('robin.jpg') });
    expect((await searched).status()).toBe(200);
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', /robin\.jpg/);
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('robin.jpg');

    searched = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
    const clipboard = await fileIn('eagle.jpg');
    await page.evaluate(
      (data) => document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true })),
      clipboard,
    );
    expect((await searched).status()).toBe(200);
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('eagle.jpg');
  });

  test('the search page fits a phone screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await searchWith(page, 'squirrel.jpg');
    await expect(page.getByTestId('prediction').first()).toContainText('fox squirrel');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'search-phone');
  });

  test('match strength: a catalog photo is the same image; a photo from outside the catalog has no close match', async ({
    page,
  }) => {
    await page.goto('/');
    await searchWith(page, 'robin.jpg');
    // Other specs add catalogs to the same server: look at the demo catalog alone.
    const filtered = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
    await page.getByTestId('filter-catalog').selectOption('demo');
    await filtered;
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);
    const first = page.getByTestId('result').first();
    await expect(first.getByTestId('result-title')).toHaveText('robin.jpg');
    await expect(first.getByTestId('result-match')).toHaveText('Same image');
    await expect(first.getByTestId('result-match')).toHaveAttribute('data-match', 'same');
    // The raw score stays at hand: on hover and in the card's details line.
    await expect(first.getByTestId('result-match')).toHaveAttribute('title', /^cosine similarity (1\.000|0\.9\d\d)$/);
    expect(Number(await first.getByTestId('result-score').textContent())).toBeGreaterThan(0.99);
    await expect(page.getByTestId('no-close-matches')).toHaveCount(0);
    // Whatever is only loosely similar is folded away under the close results.
    const fold = page.getByTestId('loose-results');
    if ((await fold.count()) > 0) {
      await expect(fold).not.toHaveAttribute('open');
      await expect(fold.getByTestId('result').first()).toBeHidden();
    }

    // Sweets are not in the demo catalog: the page says so, and what it found anyway is folded.
    await searchWith(page, fixture('objects', 'smarties.png'));
    await expect(page.getByTestId('no-close-matches')).toHaveText('No close matches in this catalog.');
    await expect(fold).toBeVisible();
    await expect(fold).not.toHaveAttribute('open');
    const matches = await page.getByTestId('result-match').allTextContents();
    expect(matches.length).toBeGreaterThan(0);
    expect(new Set(matches)).toEqual(new Set(['Loosely similar']));
    // A phone shows the answer and the fold (what the screen shows, not the whole page).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('no-close-matches').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'search-no-close-match-phone', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    await fold.locator('summary').click();
    await expect(fold.getByTestId('result').first()).toBeVisible();
    await screenshot(page, 'search-no-close-match');
  });
});
