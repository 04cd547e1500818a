'use client';
import type { CatalogObjects } from '../../lib/api';

/** What ingest finds in a catalog's items besides their class, in words. */
const CHOICES: Array<{ value: CatalogObjects; label: string }> = [
  { value: 'boxes', label: 'Objects (search by object)' },
  { value: 'masks', label: 'Objects with masks (slower)' },
  { value: 'off', label: 'No objects (fastest ingest)' },
];

/** A catalog's objects setting; a new setting applies to items added (or reindexed) from then on. */
export function ObjectsSelect({ value, onChange, label, testId }: { value: CatalogObjects; onChange: (value: CatalogObjects) => void; label: string; testId: string }) {
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.currentTarget.value as CatalogObjects)}
      aria-label={label}
      title="Applies to items added (or reindexed) from now on"
      data-testid={testId}
    >
      {CHOICES.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
