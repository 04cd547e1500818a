// A catalog's own classifier from the admin page: a labelled manifest uploaded, the label field picked, training
// watched to the end, metrics and the confusion matrix shown; then search and classify carry the new label.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './helpers';
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
  const upload = await page.request.post('/api/v1/catalogs/e2e-heads/items', { multipart: Object.fromEntries(files.map((f, i) => [`files${i}`, f])) as never });
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
