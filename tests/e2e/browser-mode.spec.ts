// In-browser mode: onnxruntime-web (WebAssembly) runs the model in Chromium, only the vector goes to the server, and
// the results agree with server mode for the same image.
import { expect, test } from '@playwright/test';
import { resultList, screenshot, searchWith } from './helpers';
import { photo } from './paths';

test('in-browser mode gives the same top result as server mode', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await searchWith(page, 'espresso.jpg');
  await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'server');
  const serverTopClass = await page.getByTestId('prediction').first().locator('.prediction-label').textContent();
  const server = await resultList(page);

  // Switch modes: the same image is analysed here; the request carries a vector and no image.
  const searched = page.waitForResponse(
    (r) =>
      r.url().endsWith('/api/v1/search') &&
      (r.request().headers()['content-type'] ?? '').startsWith('application/json'),
    { timeout: 150_000 },
  );
  await page.getByTestId('mode-browser').check();
  const request = (await searched).request();
  expect(request.headers()['content-type']).toContain('application/json');
  const body = request.postDataJSON() as { vector: number[]; image?: unknown };
  expect(body.vector).toHaveLength(2048);
  expect(body.image).toBeUndefined();

  await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'browser', { timeout: 30_000 });
  await expect(page.getByTestId('mode-badge')).toContainText('in your browser');
  await expect(page.getByTestId('prediction').first().locator('.prediction-label')).toHaveText(serverTopClass!);
  await expect(page.getByTestId('box').first()).toBeVisible();
  const browser = await resultList(page);
  expect(browser[0]![0]).toBe(server[0]![0]);
  expect(Math.abs(Number(browser[0]![1]) - Number(server[0]![1]))).toBeLessThan(0.01);
  // Not just the top result: the order agrees too.
  expect(browser.slice(0, 5).map(([id]) => id)).toEqual(server.slice(0, 5).map(([id]) => id));
  await screenshot(page, 'search-in-browser');

  // The model is kept with the Cache API, and the mode is remembered: after a reload nothing is downloaded again.
  expect(await page.evaluate(async () => (await caches.keys()).some((k) => k.startsWith('loupe-model-')))).toBe(true);
  const downloads: string[] = [];
  page.on('request', (r) => r.url().includes('/api/v1/model/model.onnx') && downloads.push(r.url()));
  await page.reload();
  await expect(page.getByTestId('mode-browser')).toBeChecked();
  await searchWith(page, photo('cat.jpg'));
  await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'browser');
  await expect(page.getByTestId('prediction').first()).toContainText('Egyptian cat');
  await expect(page.getByTestId('result').first().getByTestId('result-title')).toHaveText('cat.jpg');
  expect(downloads).toEqual([]);
});
