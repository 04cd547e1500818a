'use client';
import Link from 'next/link';
import { useState } from 'react';
import { loupe, type Catalog } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { ObjectsSelect } from './ObjectsSelect';

export function CatalogRow({ catalog, onChange }: { catalog: Catalog; onChange: () => Promise<void> }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(catalog.name);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await onChange();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <tr data-testid={`catalog-${catalog.slug}`}>
      <td>
        {renaming ? (
          <form
            className="inline-form tight"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await loupe.catalogs.update(catalog.slug, { name });
                setRenaming(false);
              });
            }}
          >
            <label className="visually-hidden" htmlFor={`rename-${catalog.slug}`}>
              New name for {catalog.slug}
            </label>
            <input
              id={`rename-${catalog.slug}`}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              autoFocus
              required
            />
            <button type="submit" className="button small primary">
              Save
            </button>
            <button type="button" className="button small ghost" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <Link href={`/admin/catalogs/${encodeURIComponent(catalog.slug)}`}>{catalog.name}</Link>
        )}
        <ErrorNotice error={error} onDismiss={() => setError(null)} />
      </td>
      <td>
        <code>{catalog.slug}</code>
      </td>
      <td>{catalog.items}</td>
      <td>
        <ObjectsSelect
          value={catalog.objects}
          onChange={(objects) => void run(() => loupe.catalogs.update(catalog.slug, { objects }))}
          label={`What ingest finds in ${catalog.name}'s items`}
          testId={`catalog-objects-${catalog.slug}`}
        />
      </td>
      <td className="actions">
        <Link className="button small" href={`/admin/catalogs/${encodeURIComponent(catalog.slug)}`}>
          Open
        </Link>
        {!renaming ? (
          <button
            type="button"
            className="button small"
            onClick={() => setRenaming(true)}
            aria-label={`Rename ${catalog.name}`}
          >
            Rename
          </button>
        ) : null}
        {confirming ? (
          <>
            <button
              type="button"
              className="button small danger"
              onClick={() => void run(() => loupe.catalogs.delete(catalog.slug))}
              aria-label={`Really delete ${catalog.name} and its ${catalog.items} items`}
            >
              Really delete?
            </button>
            <button type="button" className="button small ghost" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button small danger-outline"
            onClick={() => setConfirming(true)}
            aria-label={`Delete ${catalog.name}`}
          >
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}
