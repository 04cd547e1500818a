// A catalog's own classifier from the admin page: a labelled manifest uploaded, the label field picked, training
// watched to the end, metrics and the confusion matrix shown; then search and classify carry the new label, and the
// search page shows it: the catalog's categories and box for the query, each result's label, a label filter, and the
// item page's label — in server mode, and (without the query's categories) in in-browser mode.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { screenshot, searchWith, showLooseResults, signIn } from './helpers';
import { photo } from './paths';

test.describe.configure({ mode: 'serial' });

const LABELS: Record<string, string> = {
  'robin.jpg': 'bird',
  'eagle.jpg': 'bird',
  'cat.jpg': 'animal',
  'squirrel.jpg': 'animal',
  'orange.jpg': 'food',
  'espresso.jpg': 'food',
};

test('admin trains a head in the UI; search and classify show the catalog’s label', async ({ page }) => {
  await signIn(page);
  // A labelled catalog: the same photos under several names (mirrored copies count as new content) and a manifest.
  const files: Array<{ name: string; mimeType: string; buffer: Buffer }> = [];
  const rows = ['path,kind'];
  for (const [file, kind] of Object.entries(LABELS)) {
    const bytes = readFileSync(photo(file));
    for (let copy = 0; copy < 3; copy++) {
      // Appending bytes after the JPEG end marker changes the content hash, not the picture.
      const name = `${copy}-${file}`;
      files.push({ name, mimeType: 'image/jpeg', buffer: Buffer.concat([bytes, Buffer.from(`copy ${copy}`)]) });
      rows.push(`${name},${kind}`);
    }
  }
  files.push({ name: 'manifest.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
  // page.request carries the session cookie but, unlike the page, no Origin: give the proof a browser would.
  const upload = await page.request.post('/api/v1/catalogs/e2e-heads/items', {
    headers: { origin: new URL(page.url()).origin },
    multipart: Object.fromEntries(files.map((f, i) => [`files${i}`, f])) as never,
  });
  expect(upload.status()).toBe(202);
  const job = await upload.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/jobs/${job.id}`)).json()).status, { timeout: 120_000 }).toBe('done');

  await page.goto('/admin/catalogs/e2e-heads/heads');
  await expect(page.getByRole('heading', { name: 'Classifier heads' })).toBeVisible();
  await page.getByTestId('head-field').selectOption('kind');
  await page.getByTestId('head-train').click();
  await expect(page.getByTestId('head-training')).toContainText('done', { timeout: 60_000 });
  await expect(page.getByTestId('head-versions')).toContainText('v1');
  await expect(page.getByTestId('head-metrics')).toContainText('bird');
  await expect(page.getByTestId('head-confusion')).toBeVisible();
  await screenshot(page, 'admin-heads');

  const search = await page.request.post('/api/v1/search', {
    multipart: { image: { name: 'eagle.jpg', mimeType: 'image/jpeg', buffer: readFileSync(photo('eagle.jpg')) }, catalog: 'e2e-heads', k: '3' },
  });
  const body = await search.json();
  expect(body.query.head.predictions[0].label).toBe('bird');
  expect(body.results[0].label.label).toBe('bird');
  const classify = await page.request.post('/api/v1/classify', {
    multipart: { image: { name: 'orange.jpg', mimeType: 'image/jpeg', buffer: readFileSync(photo('orange.jpg')) }, catalog: 'e2e-heads' },
  });
  expect((await classify.json()).head.predictions[0].label).toBe('food');
});

/** The result cards as [title, label, source] (read in one go: the grid may change under a slower walk). */
function resultLabels(page: Page): Promise<Array<[string, string | null, string | null]>> {
  return page.getByTestId('result').evaluateAll((cards) =>
    cards.map((c) => {
      const label = c.querySelector('[data-testid="result-label"]');
      return [
        c.querySelector('[data-testid="result-title"]')?.textContent ?? '',
        label?.getAttribute('data-label') ?? null,
        label?.getAttribute('data-source') ?? null,
      ] as [string, string | null, string | null];
    }),
  );
}

const isSearch = (r: { url(): string; request(): { method(): string } }) =>
  r.url().endsWith('/api/v1/search') && r.request().method() === 'POST';

test('search restricted to the catalog shows its categories, its box, result labels and a label filter', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page);
  // A photo without a "kind": the active head labels it on ingest (predicted).
  const upload = await page.request.post('/api/v1/catalogs/e2e-heads/items', {
    headers: { origin: new URL(page.url()).origin },
    multipart: { files: { name: 'new-robin.jpg', mimeType: 'image/jpeg', buffer: Buffer.concat([readFileSync(photo('robin.jpg')), Buffer.from('unlabelled')]) } },
  });
  expect(upload.status()).toBe(202);
  const job = await upload.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/jobs/${job.id}`)).json()).status, { timeout: 60_000 }).toBe('done');

  await page.goto('/');
  await searchWith(page, 'eagle.jpg');
  // All catalogs: no head is involved.
  await expect(page.getByTestId('prediction').first()).toBeVisible();
  await expect(page.getByTestId('head-predictions')).toHaveCount(0);
  await expect(page.getByTestId('head-box')).toHaveCount(0);
  await expect(page.getByTestId('filter-label')).toHaveCount(0);
  await expect(page.getByTestId('result-label')).toHaveCount(0);

  const searched = page.waitForResponse(isSearch, { timeout: 60_000 });
  await page.getByTestId('filter-catalog').selectOption('e2e-heads');
  const body = await (await searched).json();
  const headBox = body.query.head.box as { x0: number; y0: number; x1: number; y1: number; label: string };
  expect(headBox.label).toBe('bird');

  // The catalog's own categories for the query, titled apart from the ImageNet classes, which stay.
  await expect(page.getByTestId('head-heading')).toContainText('categories (head v1)');
  await expect(page.getByTestId('head-heading')).toContainText('kind');
  await expect(page.getByTestId('head-prediction').first()).toContainText('bird');
  await expect(page.getByTestId('head-prediction').first()).toContainText('%');
  await expect(page.getByTestId('prediction').first()).toBeVisible();
  await expect(page.getByTestId('prediction').first()).not.toContainText('bird');

  // Its box on the query image, where the API put it, next to the ImageNet box; each can be hidden.
  const box = page.getByTestId('query-image').getByTestId('head-box');
  await expect(box).toHaveCount(1);
  await expect(box).toHaveAttribute('data-label', 'bird');
  await expect(box).toContainText('bird');
  const outline = box.locator('rect').nth(1);
  expect(Number(await outline.getAttribute('x'))).toBe(headBox.x0);
  expect(Number(await outline.getAttribute('y'))).toBe(headBox.y0);
  expect(Number(await outline.getAttribute('width'))).toBe(headBox.x1 - headBox.x0);
  expect(Number(await outline.getAttribute('height'))).toBe(headBox.y1 - headBox.y0);
  await expect(page.getByTestId('query-image').getByTestId('box').first()).toBeVisible();
  await page.getByTestId('box-toggle-head').uncheck();
  await expect(page.getByTestId('head-box')).toHaveCount(0);
  await expect(page.getByTestId('query-image').getByTestId('box').first()).toBeVisible();
  await page.getByTestId('box-toggle-head').check();
  await expect(page.getByTestId('head-box')).toHaveCount(1);

  // Every result carries its label; the copies of the query photo have their own "kind": confirmed.
  await expect(page.getByTestId('result')).toHaveCount(12);
  const all = await resultLabels(page);
  expect(all.every(([, label]) => label !== null && ['bird', 'animal', 'food'].includes(label))).toBe(true);
  expect(all[0]!.slice(1)).toEqual(['bird', 'confirmed']);
  await expect(page.getByTestId('result').first().getByTestId('result-label')).toHaveText('bird · confirmed');

  // The label filter lists the head's classes and narrows the results to one label.
  const filter = page.getByTestId('filter-label');
  expect((await filter.locator('option').allTextContents()).sort()).toEqual(['Any label', 'animal', 'bird', 'food']);
  await filter.selectOption('food');
  await expect.poll(async () => (await resultLabels(page)).map(([, label]) => label)).toEqual(Array(6).fill('food'));
  await filter.selectOption('bird');
  await expect.poll(async () => (await resultLabels(page)).length).toBe(7);
  const birds = await resultLabels(page);
  expect(birds.every(([, label]) => label === 'bird')).toBe(true);
  // The new photo's label is the head's guess, marked as such with its probability.
  const guessed = birds.filter(([, , source]) => source === 'predicted').map(([title]) => title);
  expect(guessed).toHaveLength(1);
  expect(guessed[0]).toMatch(/new-robin\.jpg$/);
  const predicted = page.getByTestId('result').filter({ hasText: 'new-robin.jpg' });
  await expect(predicted.getByTestId('result-label')).toHaveText(/^bird · predicted \d+%$/);
  await screenshot(page, 'search-head');

  // Back to any label: the other classes come back.
  await filter.selectOption('');
  await expect.poll(async () => new Set((await resultLabels(page)).map(([, label]) => label)).size).toBeGreaterThan(1);

  // The item page shows the label, the head's field and whether it was predicted (the card may be folded away).
  await showLooseResults(page);
  await predicted.locator('a.thumb').click();
  await expect(page).toHaveURL(/\/items\/\d+$/);
  await expect(page.getByTestId('item-label-chip')).toHaveAttribute('data-source', 'predicted');
  await expect(page.getByTestId('item-label-chip')).toHaveText(/^bird · predicted \d+%$/);
  await expect(page.getByTestId('item-label')).toContainText('kind');
  await expect(page.getByTestId('item-label-detail')).toContainText('head v1');
});

test('in-browser mode: result labels and the label filter work; the query’s categories are the server’s', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await page.getByTestId('mode-browser').check();
  const searched = page.waitForResponse(isSearch, { timeout: 180_000 });
  await page.getByTestId('image-input').setInputFiles(photo('eagle.jpg'));
  expect((await searched).status()).toBe(200);
  await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'browser', { timeout: 30_000 });

  const filtered = page.waitForResponse(isSearch, { timeout: 60_000 });
  await page.getByTestId('filter-catalog').selectOption('e2e-heads');
  expect((await filtered).request().postDataJSON().vector).toHaveLength(2048);
  await expect(page.getByTestId('head-server-only')).toBeVisible();
  await expect(page.getByTestId('head-predictions')).toHaveCount(0);
  await expect(page.getByTestId('head-box')).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('result')).toHaveCount(12);
  expect((await resultLabels(page)).every(([, label]) => label !== null)).toBe(true);

  const request = page.waitForResponse(isSearch, { timeout: 60_000 });
  await page.getByTestId('filter-label').selectOption('animal');
  expect((await request).request().postDataJSON()).toMatchObject({ catalog: 'e2e-heads', label: 'animal' });
  await expect.poll(async () => (await resultLabels(page)).map(([, label]) => label)).toEqual(Array(6).fill('animal'));
});
