'use client';
// The admin dashboard: numbers, catalogs (create, rename, delete), recent jobs, re-index, API keys.
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { loupe, type Catalog, type Job, type Stats } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { AdminTable } from './AdminTable';
import { useSignOut } from './AdminGate';
import { Stat } from './Stat';
import { Reindex } from './Reindex';
import { Catalogs } from './Catalogs';
import { ApiKeys } from './ApiKeys';

export function Dashboard() {
  const signOut = useSignOut();
  const [stats, setStats] = useState<Stats | null>(null);
  const [catalogs, setCatalogs] = useState<Catalog[]>([]);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      const [s, c, j] = await Promise.all([loupe.stats(), loupe.catalogs.list(), loupe.jobs.list({ limit: 10 })]);
      setStats(s);
      setCatalogs(c);
      setJobs(j);
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
            <Stat
              label="Execution provider"
              value={(stats.provider ?? 'not loaded').toUpperCase() + (stats.inferenceWorkers ? ` · ${stats.inferenceWorkers} worker${stats.inferenceWorkers === 1 ? '' : 's'}` : '')}
              testId="stat-provider"
            />
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
        <AdminTable
          testId="jobs-table"
          columns={['Job', 'Catalog', 'Status', 'Files', 'Failed', 'Created']}
          rows={jobs}
          empty="No jobs yet."
          row={(j) => (
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
          )}
        />
      </section>

      <ApiKeys />
    </div>
  );
}
