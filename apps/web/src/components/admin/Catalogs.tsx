'use client';
import { useState } from 'react';
import { loupe, type Catalog, type CatalogObjects } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { AdminTable } from './AdminTable';
import { CatalogRow } from './CatalogRow';
import { ObjectsSelect } from './ObjectsSelect';

/** A catalog slug made from its name: "Spring 2026 — shoes" → "spring-2026-shoes". */
export const slugFromName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');

export function Catalogs({ catalogs, onChange }: { catalogs: Catalog[]; onChange: () => Promise<void> }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [objects, setObjects] = useState<CatalogObjects>('boxes');
  /** The slug follows the name until it is edited by hand. */
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section aria-labelledby="catalogs-heading" className="panel">
      <h2 id="catalogs-heading">Catalogs</h2>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await loupe.catalogs.create(slug, { ...(name ? { name } : {}), objects });
            setSlug('');
            setName('');
            setObjects('boxes');
            setSlugEdited(false);
            await onChange();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setName(value);
              if (!slugEdited) setSlug(slugFromName(value));
            }}
            placeholder="Spring collection"
            data-testid="new-catalog-name"
          />
        </label>
        <label>
          Slug
          <input
            value={slug}
            onChange={(e) => {
              setSlug(e.currentTarget.value);
              setSlugEdited(true);
            }}
            required
            maxLength={63}
            pattern="[a-z0-9][a-z0-9\-]{0,62}"
            title="Lowercase letters, digits and dashes, starting with a letter or digit (at most 63)"
            placeholder="e.g. spring-2026"
            data-testid="new-catalog-slug"
          />
        </label>
        <label>
          Finds
          <ObjectsSelect value={objects} onChange={setObjects} label="What ingest finds in the new catalog's items" testId="new-catalog-objects" />
        </label>
        <button type="submit" className="button primary" disabled={busy || !slug}>
          Create catalog
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      <AdminTable
        testId="catalogs-table"
        columns={['Name', 'Slug', 'Items', 'Finds']}
        actions
        rows={catalogs}
        empty="No catalogs yet."
        row={(c) => <CatalogRow key={c.slug} catalog={c} onChange={onChange} />}
      />
    </section>
  );
}
