'use client';
// The admin page of a catalog's classifier heads: pick the label field, train with live progress (cancellable), read
// the metrics next to the kNN baseline and the confusion matrix, activate any version, and set labels of items.
import Link from 'next/link';
import { useCallback, useEffect, useId, useState } from 'react';
import {
  formatPercent,
  loupe,
  type Head,
  type HeadDetail,
  type HeadTraining as Training,
  type MetadataField as Field,
} from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { AdminTable } from './AdminTable';

const pct = (n: number | null | undefined) => (n === null || n === undefined ? '—' : formatPercent(n));

export function HeadsAdmin({ slug }: { slug: string }) {
  const [heads, setHeads] = useState<Head[]>([]);
  const [fields, setFields] = useState<Field[]>([]);
  const [field, setField] = useState('');
  const [hidden, setHidden] = useState(0);
  const [training, setTraining] = useState<Training | null>(null);
  const [selected, setSelected] = useState<HeadDetail | null>(null);
  const [baseline, setBaseline] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldId = useId();

  const load = useCallback(async () => {
    try {
      const list = await loupe.heads.list(slug);
      setHeads(list.heads);
      if (list.training) setTraining(list.training);
      const f = await loupe.heads.fields(slug);
      setFields(f);
      setField((current) => current || f[0]?.field || '');
      const shown = list.heads.find((h) => h.active) ?? list.heads[0];
      if (shown) setSelected(await loupe.heads.get(slug, shown.version));
    } catch (e) {
      setError(e);
    }
  }, [slug]);
  useEffect(() => {
    void load();
  }, [load]);

  // Poll a running training.
  useEffect(() => {
    if (!training || (training.status !== 'running' && training.status !== 'queued')) return;
    const timer = setInterval(async () => {
      try {
        const t = await loupe.heads.training(slug, training.id);
        setTraining(t);
        if (t.status !== 'running') void load();
      } catch (e) {
        setError(e);
      }
    }, 500);
    return () => clearInterval(timer);
  }, [training, slug, load]);

  async function train() {
    setError(null);
    try {
      setTraining(await loupe.heads.train(slug, { field, hidden }));
    } catch (e) {
      setError(e);
    }
  }

  async function cancel() {
    if (training) await loupe.heads.cancel(slug, training.id).catch(setError);
  }

  async function activate(version: number) {
    setError(null);
    try {
      await loupe.heads.activate(slug, version);
      await load();
    } catch (e) {
      setError(e);
    }
  }

  async function show(version: number) {
    try {
      setSelected(await loupe.heads.get(slug, version));
    } catch (e) {
      setError(e);
    }
  }

  const running = training?.status === 'running' || training?.status === 'queued';
  return (
    <div className="page admin">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin">Admin</Link> / <Link href={`/admin/catalogs/${encodeURIComponent(slug)}`}>{slug}</Link> /
        heads
      </nav>
      <div className="page-head">
        <h1>Classifier heads</h1>
        <p className="muted">
          Teach Loupe this catalog’s own categories: a head trained on the stored features, with labels from an item
          field.
        </p>
      </div>
      {error ? <ErrorNotice error={error} /> : null}

      <section className="panel" aria-labelledby="train-heading">
        <h2 id="train-heading">Train</h2>
        {fields.length === 0 ? (
          <p className="empty">No item has metadata yet: ingest a manifest with a label column, or set labels below.</p>
        ) : (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void train();
            }}
          >
            <label htmlFor={fieldId}>Label field</label>
            <select id={fieldId} value={field} onChange={(e) => setField(e.target.value)} data-testid="head-field">
              {fields.map((f) => (
                <option key={f.field} value={f.field}>
                  {f.field} — {f.items} items, {f.values} values
                </option>
              ))}
            </select>
            <label>
              Hidden units{' '}
              <input
                type="number"
                min={0}
                max={1024}
                step={32}
                value={hidden}
                onChange={(e) => setHidden(Number(e.target.value))}
                style={{ width: '6em' }}
              />
            </label>
            <button type="submit" className="button primary" disabled={running || !field} data-testid="head-train">
              Train
            </button>
          </form>
        )}
        {training ? (
          <div className="upload-progress" data-testid="head-training">
            <div
              className={`progress${running ? ' active' : ''}`}
              role="progressbar"
              aria-label="Training"
              aria-valuemin={0}
              aria-valuemax={training.maxEpochs ?? 1}
              aria-valuenow={training.epoch ?? 0}
            >
              <div
                style={{
                  width: `${training.maxEpochs ? (100 * (training.epoch ?? 0)) / training.maxEpochs : running ? 5 : 100}%`,
                }}
              />
            </div>
            <p className="hint" role="status">
              <span
                className={`status-pill ${training.status === 'running' ? 'running' : training.status === 'done' ? 'done' : 'failed'}`}
              >
                {training.status}
              </span>{' '}
              {training.phase}
              {training.epoch !== null
                ? ` · epoch ${training.epoch} · loss ${training.loss?.toFixed(4)} · validation accuracy ${pct(training.validationAccuracy)}`
                : ''}
              {training.head ? ` · v${training.head.version} ready` : ''}
              {training.error ? ` · ${training.error.message}` : ''}
            </p>
            {running ? (
              <button type="button" className="button small danger" onClick={() => void cancel()}>
                Cancel
              </button>
            ) : null}
          </div>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        {heads.length === 0 ? <p className="empty">No head yet.</p> : null}
        <ul className="plain" data-testid="head-versions">
          {heads.map((h) => (
            <li key={h.id} className="row">
              <button type="button" className="link" onClick={() => void show(h.version)}>
                v{h.version}
              </button>
              {h.active ? <span className="badge">active</span> : null}
              {h.usable === false ? (
                <span
                  className="badge warn"
                  title="trained on vectors of another pooling: it serves nothing until you train a new head"
                  data-testid={`head-stale-${h.version}`}
                >
                  other vectors — retrain
                </span>
              ) : null}
              <span className="muted small">
                field “{h.field}”, {h.classes.length} classes, {h.examples ?? '—'} examples · accuracy{' '}
                {pct(h.validationAccuracy)} (kNN {pct(h.knnAccuracy)}) · {new Date(h.createdAt).toLocaleString()}
              </span>
              {!h.active && h.usable !== false ? (
                <button
                  type="button"
                  className="button small"
                  onClick={() => void activate(h.version)}
                  data-testid={`head-activate-${h.version}`}
                >
                  Activate
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {selected ? (
        <section className="panel" aria-labelledby="metrics-heading" data-testid="head-metrics">
          <h2 id="metrics-heading">
            v{selected.version} metrics{' '}
            <span className="muted small">
              (validation split: {selected.metrics.validationExamples} items, best epoch {selected.metrics.bestEpoch} of{' '}
              {selected.metrics.epochs})
            </span>
          </h2>
          <SmallSplitWarning items={selected.metrics.validationExamples} />
          <AdminTable
            columns={[
              'class',
              'precision',
              'recall',
              'F1',
              `kNN F1${selected.metrics.knn ? ` (k=${selected.metrics.knn.k})` : ''}`,
              'support',
            ]}
            rows={selected.metrics.validation?.perClass ?? []}
            row={(c, i) => (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td>{pct(c.precision)}</td>
                <td>{pct(c.recall)}</td>
                <td>{pct(c.f1)}</td>
                <td>{pct(selected.metrics.knn?.perClass[i]?.f1)}</td>
                <td>{c.support}</td>
              </tr>
            )}
          >
            <tr>
              <th scope="row">accuracy</th>
              <td colSpan={3}>{pct(selected.metrics.validation?.accuracy)}</td>
              <td>{pct(selected.metrics.knn?.accuracy)}</td>
              <td>{selected.metrics.validation?.count ?? 0}</td>
            </tr>
          </AdminTable>
          <p>
            <label>
              <input
                type="checkbox"
                checked={baseline}
                onChange={(e) => setBaseline(e.target.checked)}
                disabled={!selected.metrics.knn}
              />{' '}
              show the kNN baseline’s confusion matrix
            </label>
          </p>
          <img
            src={`${selected.confusionUrl}?format=svg${baseline ? '&of=knn' : ''}`}
            alt={`Confusion matrix of v${selected.version}${baseline ? ' (kNN baseline)' : ''}`}
            style={{ maxWidth: '100%' }}
            data-testid="head-confusion"
          />
        </section>
      ) : null}

      <LabelEditor slug={slug} field={selected?.field ?? field} onDone={() => void load()} />
    </div>
  );
}

/** Below this many validation items one item moves accuracy by more than 3 points: the numbers are only a hint. */
const SMALL_SPLIT = 30;

function SmallSplitWarning({ items }: { items: number }) {
  if (items >= SMALL_SPLIT) return null;
  return (
    <p className="notice warn" role="note" data-testid="small-split">
      Measured on only {items} validation item{items === 1 ? '' : 's'}: one item more or less right moves accuracy by{' '}
      {(100 / Math.max(items, 1)).toFixed(0)} points. Label more items before trusting these numbers.
    </p>
  );
}

/** Sets (or clears) the label field of one or many items by id. */
function LabelEditor({ slug, field, onDone }: { slug: string; field: string; onDone: () => void }) {
  const [ids, setIds] = useState('');
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function save(clear: boolean) {
    setError(null);
    setMessage(null);
    const itemIds = ids
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    try {
      const r = await loupe.setLabels(slug, itemIds, field, clear ? null : value);
      setMessage(`${r.updated.length} item(s) updated`);
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  if (!field) return null;
  return (
    <section className="panel" aria-labelledby="labels-heading">
      <h2 id="labels-heading">Set labels</h2>
      {error ? <ErrorNotice error={error} /> : null}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <label>
          Item ids{' '}
          <input
            value={ids}
            onChange={(e) => setIds(e.target.value)}
            placeholder="12, 13, 20"
            data-testid="label-ids"
          />
        </label>
        <label>
          “{field}” <input value={value} onChange={(e) => setValue(e.target.value)} data-testid="label-value" />
        </label>
        <button type="submit" className="button" disabled={!ids.trim() || !value.trim()}>
          Set
        </button>
        <button type="button" className="button small" disabled={!ids.trim()} onClick={() => void save(true)}>
          Clear
        </button>
      </form>
      {message ? (
        <p className="hint" role="status">
          {message}
        </p>
      ) : null}
    </section>
  );
}
