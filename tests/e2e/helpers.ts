import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { expect, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, photo, SCREENSHOTS } from './paths';

/** Saves a full-page screenshot of a main screen under tests/screenshots/ (kept as a test artifact). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let images finish decoding so the picture shows what a user sees.
  await page
    .waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 10_000 })
    .catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** A zip (stored, no compression) of the given files, as the upload form would send it. */
export function makeZip(files: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = readFileSync(file);
    const name = Buffer.from(basename(file));
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 30); // extra, comment lengths
    central.writeUInt32LE(0, 34); // disk, internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export async function signIn(page: Page): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

/** Picks a query image with the file picker and waits for its results. */
export async function searchWith(page: Page, file: string): Promise<void> {
  const searched = page.waitForResponse((r) => r.url().endsWith('/api/v1/search') && r.request().method() === 'POST', {
    timeout: 60_000,
  });
  await page.getByTestId('image-input').setInputFiles(file.includes('/') ? file : photo(file));
  expect((await searched).status()).toBe(200);
  await expect(page.getByTestId('status')).toHaveText(/^\d+ results?$/);
}

/** A DataTransfer in the page holding one fixture photo, as a drop or a paste carries it. */
export function photoTransfer(page: Page, name: string) {
  return page.evaluateHandle(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      return transfer;
    },
    { b64: readFileSync(photo(name)).toString('base64'), name },
  );
}

/** Unfolds the "Loosely similar" results, where there are any, so that each result card can be clicked. */
export async function showLooseResults(page: Page): Promise<void> {
  const fold = page.getByTestId('loose-results');
  if ((await fold.count()) > 0 && (await fold.getAttribute('open')) === null) await fold.locator('summary').click();
}

/**
 * Clicks "More like this" on the second result (unfolding the loose ones first) and waits for the item search;
 * returns that item's id and title.
 */
export async function moreLikeSecondResult(page: Page): Promise<{ id: number; title: string }> {
  await showLooseResults(page);
  const second = page.getByTestId('result').nth(1);
  const id = Number(await second.getAttribute('data-item-id'));
  const title = (await second.getByTestId('result-title').textContent())!;
  await second.getByRole('button', { name: /^More like / }).click();
  await expect(page.getByTestId('mode-badge')).toHaveAttribute('data-mode', 'item');
  return { id, title };
}

/** The result grid as [id, score] pairs, in order (read in one go: the grid may change under a slower walk). */
export function resultList(page: Page): Promise<Array<[number, string]>> {
  return page
    .getByTestId('result')
    .evaluateAll((cards) =>
      cards.map(
        (c) =>
          [
            Number(c.getAttribute('data-item-id')),
            c.querySelector('[data-testid="result-score"]')?.textContent ?? '',
          ] as [number, string],
      ),
    );
}
