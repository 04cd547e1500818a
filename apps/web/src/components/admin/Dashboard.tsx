'use client';
// The admin dashboard: numbers, catalogs (create, rename, delete), recent jobs, re-index, API keys.
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { api, type ApiKey, type Catalog, type Job, type Stats } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { useSignOut } from './AdminGate';

interface ReindexState {
  startedAt: string;
  done: number;
  total: number;
  finishedAt?: string;
  error?: string;
}

export function Dashboard() {
  const signOut = useSignOut();
  const [stats, setStats] = useState<Stats | null>(null);
  const [catalogs, setCatalogs] = useState<Catalog[]>([]);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      const [s, c, j] = await Promise.all([
        api<Stats>('/api/v1/stats', { cache: 'no-store' }),
        api<{ catalogs: Catalog[] }>('/api/v1/catalogs', { cache: 'no-store' }),
        api<{ jobs: Job[] }>('/api/v1/jobs?limit=10', { cache: 'no-store' }),
      ]);
      setStats(s);
      setCatalogs(c.catalogs);
      setJobs(j.jobs);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // While a job runs, keep the numbers moving.
  const running = jobs.some((j) => j.status === 'running' || j.status === 'queued');
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refresh(), 2000);
    return () => clearInterval(t);
  }, [running, refresh]);

  return (
    <div className="page admin">
      <div className="page-head">
        <h1>Admin</h1>
        <button type="button" className="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
      <ErrorNotice error={error} />

      <section aria-labelledby="stats-heading" className="panel">
        <h2 id="stats-heading">Dashboard</h2>
        {stats ? (
          <dl className="stats" data-testid="stats">
            <Stat label="Items" value={stats.items.toLocaleString()} />
            <Stat label="Indexed vectors" value={stats.indexed.toLocaleString()} testId="stat-indexed" />
            <Stat label="Catalogs" value={stats.catalogs.toLocaleString()} />
            <Stat label="Execution provider" value={(stats.provider ?? 'not loaded').toUpperCase()} testId="stat-provider" />
            <Stat label="Model" value={stats.model} testId="stat-model" wide />
            <Stat label="Database" value={stats.database} />
            {stats.memoryMB !== undefined ? <Stat label="Server memory" value={`${stats.memoryMB} MB`} /> : null}
          </dl>
        ) : (
          <p role="status">Loading…</p>
        )}
        {stats?.skippedProviders && stats.skippedProviders.length > 0 ? (
          <details className="small">
            <summary>Why not another execution provider?</summary>
            <ul>
              {stats.skippedProviders.map((s) => (
                <li key={s.provider}>
                  <strong>{s.provider}</strong>: {s.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        <Reindex onFinished={refresh} />
      </section>

      <Catalogs catalogs={catalogs} onChange={refresh} />

      <section aria-labelledby="jobs-heading" className="panel">
        <h2 id="jobs-heading">Recent ingest jobs</h2>
        {jobs.length === 0 ? (
          <p className="empty">No jobs yet.</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="jobs-table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Catalog</th>
                  <th scope="col">Status</th>
                  <th scope="col">Files</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id}>
                    <td>
                      <Link href={`/admin/catalogs/${encodeURIComponent(j.catalog)}?job=${j.id}`}>#{j.id}</Link>
                    </td>
                    <td>{j.catalog}</td>
                    <td>
                      <span className={`status-pill ${j.status}`}>{j.status}</span>
                    </td>
                    <td>
                      {j.done} / {j.total}
                    </td>
                    <td>{j.failed}</td>
                    <td>{new Date(j.createdAt).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ApiKeys />
    </div>
  );
}

function Stat({ label, value, testId, wide }: { label: string; value: string; testId?: string; wide?: boolean }) {
  return (
    <div className={wide ? 'stat wide' : 'stat'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function Reindex({ onFinished }: { onFinished: () => Promise<void> }) {
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

function Catalogs({ catalogs, onChange }: { catalogs: Catalog[]; onChange: () => Promise<void> }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
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
            await api('/api/v1/catalogs', { method: 'POST', json: { slug, name: name || undefined } });
            setSlug('');
            setName('');
            await onChange();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          Slug
          <input
            value={slug}
            onChange={(e) => setSlug(e.currentTarget.value)}
            required
            pattern="[a-z0-9][a-z0-9-]{0,62}"
            title="lowercase letters, digits and dashes"
            placeholder="e.g. spring-2026"
            data-testid="new-catalog-slug"
          />
        </label>
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            placeholder="Spring collection"
            data-testid="new-catalog-name"
          />
        </label>
        <button type="submit" className="button primary" disabled={busy || !slug}>
          Create catalog
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {catalogs.length === 0 ? (
        <p className="empty">No catalogs yet.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="catalogs-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Items</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {catalogs.map((c) => (
                <CatalogRow key={c.slug} catalog={c} onChange={onChange} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CatalogRow({ catalog, onChange }: { catalog: Catalog; onChange: () => Promise<void> }) {
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
                await api(`/api/v1/catalogs/${encodeURIComponent(catalog.slug)}`, { method: 'PATCH', json: { name } });
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
              onClick={() =>
                void run(() => api(`/api/v1/catalogs/${encodeURIComponent(catalog.slug)}`, { method: 'DELETE' }))
              }
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

function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'admin'>('read');
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await api<{ keys: ApiKey[] }>('/api/v1/keys', { cache: 'no-store' })).keys);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="keys-heading" className="panel">
      <h2 id="keys-heading">API keys</h2>
      <p className="hint">
        For scripts: send <code>Authorization: Bearer lk_…</code>. “read” keys can search; “admin” keys can also manage
        catalogs and uploads.
      </p>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setCopied(false);
          try {
            const r = await api<{ key: string; name: string }>('/api/v1/keys', {
              method: 'POST',
              json: { name, scope },
            });
            setCreated({ key: r.key, name: r.name });
            setName('');
            await load();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <label>
          Key name
          <input
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            placeholder="nightly import"
            data-testid="new-key-name"
          />
        </label>
        <label>
          Scope
          <select
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as 'read' | 'admin')}
            data-testid="new-key-scope"
          >
            <option value="read">read</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" className="button primary" disabled={!name}>
          Create key
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {created ? (
        <div className="notice success" role="status" data-testid="new-key">
          <p>
            Key <strong>{created.name}</strong> — copy it now, it is shown only this once:
          </p>
          <p className="key-row">
            <code data-testid="new-key-value">{created.key}</code>
            <button
              type="button"
              className="button small"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.key).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="button small ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </div>
      ) : null}
      {keys.length === 0 ? (
        <p className="empty">No API keys.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className={k.revoked ? 'revoked' : undefined} data-testid={`key-${k.name}`}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scope}</td>
                  <td>{new Date(k.createdAt).toLocaleDateString()}</td>
                  <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
                  <td className="actions">
                    {k.revoked ? (
                      <span className="status-pill failed">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className="button small danger-outline"
                        aria-label={`Revoke ${k.name}`}
                        onClick={async () => {
                          try {
                            await api(`/api/v1/keys/${k.id}`, { method: 'DELETE' });
                            await load();
                          } catch (e) {
                            setError(e);
                          }
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
