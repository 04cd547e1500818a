'use client';
// A catalog's items in the admin: a grid to browse, select (click, shift-click, all shown) and label or delete.
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loupe, type Item, type MetadataField } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { SelectionBar } from './SelectionBar';
import { useSelection } from './useSelection';
import './CatalogItems.css';

export function CatalogItems({
  slug,
  version,
  onChange,
}: {
  slug: string;
  version: number;
  onChange: () => Promise<void>;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [fields, setFields] = useState<MetadataField[]>([]);
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const selection = useSelection(ids);
  const loadFields = useCallback(() => {
    loupe.heads
      .fields(slug)
      .then(setFields)
      .catch(() => undefined);
  }, [slug]);
  useEffect(loadFields, [loadFields]);

  const load = useCallback(
    async (after: number | null) => {
      setLoading(true);
      try {
        const page = await loupe.items.list(slug, { limit: 24, cursor: after });
        setItems((old) => (after ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [slug],
  );
  useEffect(() => {
    void load(null);
  }, [load, version]);

  return (
    <section className="panel" aria-labelledby="items-heading">
      <h2 id="items-heading">Items</h2>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {items.length === 0 && !loading ? <p className="empty">No items in this catalog yet.</p> : null}
      {items.length > 0 ? (
        <SelectionBar
          slug={slug}
          selected={[...selection.selected]}
          fields={fields}
          onSelectAll={selection.selectAll}
          onClear={selection.clear}
          onLabelled={loadFields}
          onDeleted={(gone) => {
            setItems((old) => old.filter((i) => !gone.includes(i.id)));
            selection.drop(gone);
            void onChange();
          }}
        />
      ) : null}
      <ul className="admin-items" data-testid="admin-items">
        {items.map((item) => (
          <li
            key={item.id}
            data-testid="admin-item"
            data-item-id={item.id}
            className={selection.selected.has(item.id) ? 'selected' : undefined}
          >
            <input
              type="checkbox"
              className="item-select"
              checked={selection.selected.has(item.id)}
              readOnly
              onClick={(e) => selection.toggle(item.id, e.shiftKey)}
              aria-label={`Select ${item.title}`}
              data-testid="item-select"
            />
            <Link href={`/items/${item.id}`} className="thumb" aria-label={item.title}>
              <img src={item.thumbnailUrl} alt="" loading="lazy" />
            </Link>
            <div className="result-body">
              <span className="result-title">{item.title}</span>
              <span className="muted small">{item.predictions[0]?.label ?? '—'}</span>
              {confirm === item.id ? (
                <span className="row">
                  <button
                    type="button"
                    className="button small danger"
                    onClick={async () => {
                      try {
                        await loupe.items.delete(item.id);
                        setItems((old) => old.filter((i) => i.id !== item.id));
                        selection.drop([item.id]);
                        setConfirm(null);
                        void onChange();
                      } catch (e) {
                        setError(e);
                      }
                    }}
                  >
                    Really delete?
                  </button>
                  <button type="button" className="button small ghost" onClick={() => setConfirm(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="button small danger-outline"
                  onClick={() => setConfirm(item.id)}
                  aria-label={`Delete ${item.title}`}
                >
                  Delete
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {cursor ? (
        <div className="more">
          <button type="button" className="button" disabled={loading} onClick={() => void load(cursor)}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}
