'use client';
// What to do with the items selected in a catalog's grid: set (or clear) a label — the value of a metadata field
// that a classifier head can learn — or delete them.
import { useId, useState } from 'react';
import { loupe, type MetadataField } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import './SelectionBar.css';

interface Props {
  slug: string;
  selected: number[];
  fields: MetadataField[];
  onSelectAll: () => void;
  onClear: () => void;
  /** After labels changed (the fields' counts) or items were deleted (their ids). */
  onLabelled: () => void;
  onDeleted: (ids: number[]) => void;
}

export function SelectionBar({ slug, selected, fields, onSelectAll, onClear, onLabelled, onDeleted }: Props) {
  const [field, setField] = useState('');
  const [value, setValue] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const listId = useId();
  const n = selected.length;

  async function label(clear: boolean) {
    setError(null);
    setMessage(null);
    try {
      const r = await loupe.setLabels(slug, selected, field.trim(), clear ? null : value.trim());
      setMessage(
        `${r.updated.length} item${r.updated.length === 1 ? '' : 's'} ${clear ? `no longer labelled` : `labelled “${value.trim()}”`} in “${field.trim()}”`,
      );
      onLabelled();
    } catch (e) {
      setError(e);
    }
  }

  async function remove() {
    setError(null);
    setMessage(null);
    const gone: number[] = [];
    try {
      for (const id of selected) {
        await loupe.items.delete(id);
        gone.push(id);
      }
      setMessage(`${gone.length} item${gone.length === 1 ? '' : 's'} deleted`);
    } catch (e) {
      setError(e);
    } finally {
      setConfirming(false);
      onDeleted(gone);
    }
  }

  return (
    <div className="selection-bar" role="region" aria-label="Selected items" data-testid="selection-bar">
      <p className="selection-count">
        <strong data-testid="selection-count">{n}</strong> selected{' '}
        <button type="button" className="button small" onClick={onSelectAll} data-testid="select-all">
          Select all shown
        </button>{' '}
        {n > 0 ? (
          <button type="button" className="button small ghost" onClick={onClear}>
            Clear selection
          </button>
        ) : (
          <span className="muted small">Click items to select them; shift-click selects a range.</span>
        )}
      </p>
      {n > 0 ? (
        <form
          className="inline-form tight"
          onSubmit={(e) => {
            e.preventDefault();
            void label(false);
          }}
        >
          <label>
            Field
            <input
              value={field}
              onChange={(e) => setField(e.currentTarget.value)}
              list={listId}
              required
              placeholder="kind"
              data-testid="label-field"
            />
            <datalist id={listId}>
              {fields.map((f) => (
                <option key={f.field} value={f.field} />
              ))}
            </datalist>
          </label>
          <label>
            Label
            <input
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              required
              placeholder="sneaker"
              data-testid="label-value"
            />
          </label>
          <button type="submit" className="button primary" data-testid="label-set">
            Label {n} item{n === 1 ? '' : 's'}
          </button>
          <button type="button" className="button" disabled={!field.trim()} onClick={() => void label(true)}>
            Clear the label
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="button danger"
                onClick={() => void remove()}
                data-testid="delete-selected-confirm"
              >
                Really delete {n}?
              </button>
              <button type="button" className="button ghost" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
              Delete {n}…
            </button>
          )}
        </form>
      ) : null}
      {message ? (
        <p className="notice success" role="status" data-testid="selection-message">
          {message}
        </p>
      ) : null}
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
