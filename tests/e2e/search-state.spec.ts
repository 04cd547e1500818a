// The search page as a user moves around it (issue 19): a file dropped anywhere searches it, a phone shows the results
// after a search, the URL says what is shown (Back/Forward after "More like this", filters, reload), and a failed
// query keeps the results already there, with a plain-words error above them.
import { expect, test } from '@playwright/test';
import { moreLikeSecondResult, photoTransfer, resultList, screenshot, searchWith } from './helpers';
import { fixture } from './paths';

test.describe('search page state', () => {
  test('a file dropped outside the drop zone searches it', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Start from a catalog image' })).toBeVisible();
    const searched = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
    const transfer = await photoTransfer(page, 'robin.jpg');
    // Dragging over the page shows the whole-page target; dropping on the results side searches.
    await page.getByRole('heading', { name: 'Start from a catalog image' }).dispatchEvent('dragenter', {
      dataTransfer: transfer,
    });
    await expect(page.getByTestId('drop-overlay')).toBeVisible();
    await page.getByRole('heading', { name: 'Start from a catalog image' }).dispatchEvent('drop', {
      dataTransfer: transfer,
    });
    expect((await searched).status()).toBe(200);
    await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', /robin\.jpg/);
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('robin.jpg');
  });

  test('on a phone the results are in view after a search', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await searchWith(page, 'squirrel.jpg');
    await expect(page.getByTestId('result').first()).toBeInViewport();
    await expect(page.getByRole('heading', { name: 'Similar images' })).toBeInViewport();
    // What the phone shows (not the whole page): the results.
    await screenshot(page, 'search-phone-results', { fullPage: false });
  });

  test('Back after "More like this" shows the upload again; Forward the item; filters live in the URL', async ({
    page,
  }) => {
    await page.goto('/');
    await searchWith(page, 'cat.jpg');
    await expect(page).toHaveURL(/\/$/);

    // A filter goes into the address without a new history entry.
    const filtered = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
    await page.getByTestId('filter-catalog').selectOption('demo');
    await expect(page).toHaveURL(/\?catalog=demo$/);
    await filtered;
    await expect(page.getByTestId('status')).toHaveText(/^\d+ results$/);
    const uploaded = await resultList(page);

    const { id, title } = await moreLikeSecondResult(page);
    await expect(page).toHaveURL(new RegExp(`\\?catalog=demo&item=${id}$`));

    // Back: the uploaded photo and its results, and the URL agrees (no item).
    await page.goBack();
    await expect(page).toHaveURL(/\?catalog=demo$/);
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', /cat\.jpg/);
    await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'server');
    await expect(page.getByTestId('filter-catalog')).toHaveValue('demo');
    await expect.poll(async () => (await resultList(page)).map(([i]) => i)).toEqual(uploaded.map(([i]) => i));

    // Forward: the item again.
    await page.goForward();
    await expect(page).toHaveURL(new RegExp(`\\?catalog=demo&item=${id}$`));
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', title);
    await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'item');

    // A reload keeps the query and its filter.
    await page.reload();
    await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'item');
    await expect(page.getByTestId('filter-catalog')).toHaveValue('demo');

    // Back to the very start: no query, and the address is the plain page.
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Start from a catalog image' })).toBeVisible();
  });

  test('a failed query keeps the previous results, with a plain-words error above them', async ({ page }) => {
    await page.goto('/');
    await searchWith(page, 'cat.jpg');
    const before = await resultList(page);
    expect(before.length).toBeGreaterThan(0);

    await page.getByTestId('image-input').setInputFiles(fixture('bad', 'truncated-body.jpg'));
    const alert = page.getByTestId('error');
    await expect(alert).toHaveAttribute('data-code', 'CORRUPT_IMAGE');
    await expect(alert).toContainText('damaged or incomplete');
    // The decoder's own words are folded under "Details".
    await expect(alert.getByTestId('error-detail')).toBeHidden();
    await alert.getByText('Details').click();
    await expect(alert.getByTestId('error-detail')).toBeVisible();

    // The cat query and its results are still there, under the error; the URL is the cat search's.
    await expect(page.getByTestId('query-image').locator('img').first()).toHaveAttribute('alt', /cat\.jpg/);
    expect(await resultList(page)).toEqual(before);
    const errorBox = (await alert.boundingBox())!;
    const firstResult = (await page.getByTestId('result').first().boundingBox())!;
    expect(errorBox.y).toBeLessThan(firstResult.y);
    await expect(page).toHaveURL(/\/$/);
    await screenshot(page, 'error-keeps-results');
  });
});
