'use client';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';

interface ReindexState {
  startedAt: string;
  done: number;
  total: number;
  finishedAt?: string;
  error?: string;
}

export function Reindex({ onFinished }: { onFinished: () => Promise<void> }) {
  const [state, setState] = useState<ReindexState | null>(null);
  const [all, setAll] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const runningNow = state !== null && !state.finishedAt;

  useEffect(() => {
    api<{ reindex: ReindexState | null }>('/api/v1/reindex', { cache: 'no-store' })
      .then((r) => setState(r.reindex))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!runningNow) return;
    const t = setInterval(async () => {
      try {
        const r = await api<{ reindex: ReindexState | null }>('/api/v1/reindex', { cache: 'no-store' });
        setState(r.reindex);
        if (r.reindex?.finishedAt) void onFinished();
      } catch (e) {
        setError(e);
      }
    }, 1000);
    return () => clearInterval(t);
  }, [runningNow, onFinished]);

  return (
    <div className="reindex">
      <h3>Re-index</h3>
      <p className="hint">Computes the active model’s vectors for items that lack them — or for every item.</p>
      <div className="row">
        <label className="switch">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
          <span>All items</span>
        </label>
        <button
          type="button"
          className="button"
          disabled={runningNow}
          onClick={async () => {
            setError(null);
            try {
              const r = await api<{ reindex: ReindexState }>('/api/v1/reindex', {
                method: 'POST',
                json: all ? { all: true } : {},
              });
              setState(r.reindex);
            } catch (e) {
              setError(e);
            }
          }}
        >
          {runningNow ? 'Re-indexing…' : 'Start re-index'}
        </button>
        {state ? (
          <span className="muted" role="status" data-testid="reindex-state">
            {state.error
              ? `failed: ${state.error}`
              : state.finishedAt
                ? `last run: ${state.done} of ${state.total} items, finished ${new Date(state.finishedAt).toLocaleTimeString()}`
                : `${state.done} of ${state.total} items…`}
          </span>
        ) : null}
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}
