// The admin side: credentials, the dashboard, catalogs, an uploaded zip watched until it is indexed, API keys.
import { expect, test } from '@playwright/test';
import { makeZip, resultList, screenshot, searchWith, signIn } from './helpers';
import { ADMIN_PASSWORD, fixture, photo } from './paths';

test.describe.configure({ mode: 'serial' });

test.describe('admin', () => {
  test('admin API routes answer 401 without credentials', async ({ request }) => {
    const calls: Array<[string, string, object?]> = [
      ['GET', '/api/v1/stats'],
      ['GET', '/api/v1/jobs'],
      ['GET', '/api/v1/keys'],
      ['POST', '/api/v1/catalogs', { slug: 'nope' }],
      ['DELETE', '/api/v1/catalogs/demo'],
      ['DELETE', '/api/v1/items/1'],
      ['POST', '/api/v1/reindex', {}],
    ];
    for (const [method, url, data] of calls) {
      const response = await request.fetch(url, { method, data });
      expect(response.status(), `${method} ${url}`).toBe(401);
      const body = await response.json();
      expect(body.error.code).toBe('UNAUTHORIZED');
    }
    const badKey = await request.get('/api/v1/stats', { headers: { authorization: 'Bearer lk_not_a_real_key' } });
    expect(badKey.status()).toBe(401);
    // Reading stays public.
    expect((await request.get('/api/v1/catalogs')).status()).toBe(200);
  });

  test('sign-in: a wrong password is refused, the right one opens the dashboard', async ({ page }) => {
    await page.goto('/admin');
    await page.getByLabel('Admin password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('error')).toContainText(/wrong password/i);

    await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('stat-model')).toHaveText('resnet50-imagenet1k-keras@1+gem3');
    // on the CPU, the inference pool's size too
    await expect(page.getByTestId('stat-provider')).toHaveText(/^(CPU · \d+ workers?|CUDA|WEBGPU)$/);
    await expect(page.getByTestId('stat-indexed')).toHaveText('14');
    await expect(page.getByTestId('catalog-demo')).toContainText('Demo photos');
    await expect(page.getByTestId('jobs-table')).toContainText('done');
    await screenshot(page, 'admin-dashboard');

    // The session is an http-only cookie: a reload stays signed in; signing out shows the form again.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    expect(await page.evaluate(() => document.cookie)).not.toContain('loupe_session');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Admin password')).toBeVisible();
  });

  test('upload a zip: upload progress, then live job progress to done; the new items are searchable', async ({
    page,
  }) => {
    // 18 photos, each with its objects detected and embedded (about 1–3 s a photo on 2 loaded cores), then the
    // catalog's calibration: longer than the default 90 s.
    test.setTimeout(300_000);
    await signIn(page);
    await page.getByTestId('new-catalog-slug').fill('e2e-zip');
    await page.getByTestId('new-catalog-name').fill('E2E zip');
    await page.getByRole('button', { name: 'Create catalog' }).click();
    await expect(page.getByTestId('catalog-e2e-zip')).toContainText('E2E zip');
    await page.getByTestId('catalog-e2e-zip').getByRole('link', { name: 'Open' }).click();
    await expect(page.getByRole('heading', { name: /E2E zip/ })).toBeVisible();

    // The 14 demo photos, four cat pictures in other encodings, and one file that is not an image.
    const photos = [
      'beach-kites',
      'butterfly',
      'cat',
      'dog-bicycle-truck',
      'eagle',
      'espresso',
      'giraffe-zebra',
      'horses',
      'orange',
      'palace',
      'person-dog-horse',
      'robin',
      'rocket',
      'squirrel',
    ];
    const zip = makeZip([
      ...photos.map((p) => photo(`${p}.jpg`)),
      fixture('formats', 'cat.webp'),
      fixture('formats', 'cat.png'),
      fixture('formats', 'cat-grey.jpg'),
      fixture('formats', 'cat-exif-rot90.jpg'),
      fixture('bad', 'text.jpg'),
    ]);
    await page
      .getByTestId('upload-input')
      .setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: zip });
    await expect(page.getByTestId('upload-selection')).toContainText('photos.zip');
    await page.getByTestId('upload-submit').click();

    // The job id goes into the URL; the job panel polls until the end.
    await expect(page).toHaveURL(/\?job=\d+$/);
    const job = page.getByTestId('job');
    await expect(job).toBeVisible();
    // Caught half-way (when the machine is slow enough to see it) for a screenshot of the live progress.
    await page.waitForFunction(() => {
      const status = document.querySelector('[data-testid="job"]')?.getAttribute('data-status');
      const count = document.querySelector('[data-testid="job-count"]')?.textContent ?? '';
      return status === 'done' || (status === 'running' && !/^0 \//.test(count));
    });
    if ((await job.getAttribute('data-status')) === 'running') await screenshot(page, 'upload-progress-running');
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
    await expect(page.getByTestId('job-count')).toHaveText('19 / 19');
    await expect(page.getByTestId('job-added')).toHaveText('18');
    await expect(page.getByTestId('job-failed')).toHaveText('1');
    await expect(page.getByTestId('job-failures')).toContainText('text.jpg');
    await expect(page.getByTestId('job-failures')).toContainText('not a supported image');
    await expect(page.getByTestId('admin-item')).toHaveCount(18);
    await expect(page.getByTestId('catalog-count')).toHaveText('18 items');
    await screenshot(page, 'upload-progress');

    // The progress survives a reload (the job id is in the URL).
    await page.reload();
    await expect(page.getByTestId('job')).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('job-count')).toHaveText('19 / 19');

    // The new items are searchable, and the catalog filter keeps to them.
    await page.goto('/');
    await searchWith(page, 'cat.jpg');
    // Across all catalogs the demo's cat.jpg and the zip's are the same photo (the same bytes): one card, listing both
    // catalogs, its chip opening the other catalog's item.
    const card = page.getByTestId('result').first();
    await expect(card.getByTestId('result-title')).toHaveText('cat.jpg');
    const copy = card.getByTestId('result-copy');
    await expect(copy).toHaveCount(1);
    await expect(copy).toHaveAttribute('href', /^\/items\/\d+$/);
    expect([await card.locator('.result-meta .tag').textContent(), await copy.textContent()].sort()).toEqual(['demo', 'e2e-zip']);
    await expect(page.getByTestId('result-title').getByText('cat.jpg', { exact: true })).toHaveCount(1);
    await screenshot(page, 'search-also-in', { fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'search-also-in-phone', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    // The chip opens the other catalog's item, whose page lists the catalog it came from.
    const otherCatalog = await card.locator('.result-meta .tag').textContent();
    await copy.click();
    await expect(page.getByTestId('item-also-in').getByTestId('result-copy')).toHaveText(otherCatalog!);
    await screenshot(page, 'item-also-in', { fullPage: false });
    await page.goBack();
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('cat.jpg');
    await page.getByTestId('filter-catalog').selectOption('e2e-zip');
    await expect(page.getByTestId('result').first()).toContainText('e2e-zip');
    await expect(page.getByTestId('result')).toHaveCount(12);
    for (const card of await page.getByTestId('result').all()) await expect(card).toContainText('e2e-zip');
    const [top] = await resultList(page);
    expect(top![1]).toBe('1.000');
    await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('cat.jpg');
    await expect(page.getByTestId('result').nth(1).getByTestId('result-title')).toHaveText(/^cat/);
  });

  test('catalogs: rename, delete an item, delete the catalog', async ({ page }) => {
    await signIn(page);
    const row = page.getByTestId('catalog-e2e-zip');
    await row.getByRole('button', { name: 'Rename E2E zip' }).click();
    await row.getByLabel('New name for e2e-zip').fill('Cats in many formats');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(row).toContainText('Cats in many formats');
    // What ingest finds in the catalog's items: a setting of its own, kept across a reload.
    await expect(row.getByTestId('catalog-objects-e2e-zip')).toHaveValue('boxes');
    await row.getByTestId('catalog-objects-e2e-zip').selectOption('masks');
    await page.reload();
    await expect(page.getByTestId('catalog-objects-e2e-zip')).toHaveValue('masks');

    await row.getByRole('link', { name: 'Open' }).click();
    await expect(page.getByTestId('admin-item')).toHaveCount(18);
    const first = page.getByTestId('admin-item').first();
    await first.getByRole('button', { name: /^Delete / }).click();
    await first.getByRole('button', { name: 'Really delete?' }).click();
    await expect(page.getByTestId('admin-item')).toHaveCount(17);
    await expect(page.getByTestId('catalog-count')).toHaveText('17 items');

    await page.getByRole('link', { name: 'Admin' }).first().click();
    const renamed = page.getByTestId('catalog-e2e-zip');
    await renamed.getByRole('button', { name: 'Delete Cats in many formats' }).click();
    await renamed.getByRole('button', { name: /Really delete/ }).click();
    await expect(page.getByTestId('catalog-e2e-zip')).toHaveCount(0);
    await expect(page.getByTestId('stat-indexed')).toHaveText('14');
  });

  test('API keys: created and shown once, admin and read scopes, revoked', async ({ page, request }) => {
    await signIn(page);
    const create = async (name: string, scope: 'read' | 'admin') => {
      await page.getByTestId('new-key-name').fill(name);
      await page.getByTestId('new-key-scope').selectOption(scope);
      await page.getByRole('button', { name: 'Create key' }).click();
      await expect(page.getByTestId('new-key')).toContainText(name);
      const key = (await page.getByTestId('new-key-value').textContent())!;
      expect(key).toMatch(/^lk_/);
      return key;
    };
    const adminKey = await create('e2e-admin', 'admin');
    const readKey = await create('e2e-read', 'read');
    await expect(page.getByTestId('key-e2e-admin')).toBeVisible();
    await expect(page.getByTestId('keys-table')).not.toContainText(adminKey);

    const stats = (key: string) => request.get('/api/v1/stats', { headers: { authorization: `Bearer ${key}` } });
    expect((await stats(adminKey)).status()).toBe(200);
    expect((await stats(readKey)).status()).toBe(403);

    await page.getByRole('button', { name: 'Revoke e2e-admin' }).click();
    await expect(page.getByTestId('key-e2e-admin')).toContainText('revoked');
    expect((await stats(adminKey)).status()).toBe(401);
  });

  test('on a phone the dashboard fits the screen: wide tables scroll inside their own box, not the page', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page);
    await expect(page.getByTestId('catalog-demo')).toBeVisible();
    await expect(page.getByTestId('key-e2e-read')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const table = page.getByTestId('catalogs-table');
    expect(await table.evaluate((t) => t.parentElement!.scrollWidth > t.parentElement!.clientWidth), 'the catalogs table is wider than a phone').toBe(true);
    await screenshot(page, 'admin-phone');
  });
});
