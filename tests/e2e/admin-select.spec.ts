// Labelling items by selecting them in a catalog's admin grid (issue 19): click, shift-click for a range, "select all
// shown", then a field and a value; the labels land in the items' metadata (the field a classifier head learns).
import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './helpers';

test('items selected in the grid (click, shift-click, all) get a label', async ({ page }) => {
  await signIn(page);
  await page.goto('/admin/catalogs/demo');
  const cards = page.getByTestId('admin-item');
  await expect(cards).toHaveCount(14);
  const ids = await cards.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-item-id'))));

  // Click the 2nd, shift-click the 5th: the 2nd to the 5th are selected.
  await cards.nth(1).getByTestId('item-select').click();
  await cards
    .nth(4)
    .getByTestId('item-select')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('4');
  for (const i of [1, 2, 3, 4]) await expect(cards.nth(i).getByTestId('item-select')).toBeChecked();
  await expect(cards.nth(0).getByTestId('item-select')).not.toBeChecked();
  // A click takes one off again.
  await cards.nth(3).getByTestId('item-select').click();
  await expect(page.getByTestId('selection-count')).toHaveText('3');

  await page.getByTestId('label-field').fill('e2e-pick');
  await page.getByTestId('label-value').fill('chosen');
  await page.getByTestId('label-set').click();
  await expect(page.getByTestId('selection-message')).toContainText('3 items labelled “chosen”');
  await screenshot(page, 'admin-select');
  for (const [i, want] of [
    [1, 'chosen'],
    [2, 'chosen'],
    [3, undefined],
    [4, 'chosen'],
    [0, undefined],
  ] as const) {
    const item = await (await page.request.get(`/api/v1/items/${ids[i]}`)).json();
    expect(item.metadata?.['e2e-pick'] ?? undefined, `item ${i}`).toBe(want);
  }

  // Select all shown, then clear that label from all of them.
  await page.getByTestId('select-all').click();
  await expect(page.getByTestId('selection-count')).toHaveText('14');
  await page.getByRole('button', { name: 'Clear the label' }).click();
  await expect(page.getByTestId('selection-message')).toContainText('14 items no longer labelled');
  const item = await (await page.request.get(`/api/v1/items/${ids[1]}`)).json();
  expect(item.metadata?.['e2e-pick'] ?? undefined).toBeUndefined();
});
