'use client';
// One catalog: upload (images, one zip, or a manifest with its images) with upload progress, then the ingest job's
// live progress (its id kept in the URL, so it survives a reload); browse and delete items.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { loupe, ApiError, formatBytes, toApiError, type Catalog, type Job } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { CatalogItems } from './CatalogItems';
import { JobProgress } from './JobProgress';
import './CatalogAdmin.css';

export function CatalogAdmin({ slug }: { slug: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const jobParam = Number(params.get('job'));
  const jobId = Number.isInteger(jobParam) && jobParam > 0 ? jobParam : null;
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [recent, setRecent] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [itemsVersion, setItemsVersion] = useState(0);
  // While a job runs, the item list and count follow it (at most every 2 s).
  const lastRefresh = useRef({ at: 0, added: 0 });
  const onProgress = (job: Job) => {
    const now = Date.now();
    if (job.added === lastRefresh.current.added || now - lastRefresh.current.at < 2000) return;
    lastRefresh.current = { at: now, added: job.added };
    void refresh();
    setItemsVersion((v) => v + 1);
  };

  const refresh = useCallback(async () => {
    try {
      const [c, j] = await Promise.all([loupe.catalogs.get(slug), loupe.jobs.list({ catalog: slug, limit: 5 })]);
      setCatalog(c);
      setRecent(j);
    } catch (e) {
      setError(e);
    }
  }, [slug]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const showJob = (id: number | null) => router.replace(id ? `${pathname}?job=${id}` : pathname, { scroll: false });

  if (error && !catalog) {
    return (
      <div className="page narrow">
        <ErrorNotice error={error} context={`catalog ${slug}`} />
        <Link href="/admin">Back to the dashboard</Link>
      </div>
    );
  }

  return (
    <div className="page admin">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin">Admin</Link> <span aria-hidden="true">/</span>{' '}
        <span aria-current="page">{catalog?.name ?? slug}</span>
      </nav>
      <div className="page-head">
        <h1>
          {catalog?.name ?? slug} <code className="muted small">{slug}</code>
        </h1>
        {catalog ? (
          <span className="badge" data-testid="catalog-count">
            {catalog.items} item{catalog.items === 1 ? '' : 's'}
          </span>
        ) : null}
        <Link href={`/admin/catalogs/${encodeURIComponent(slug)}/heads`} data-testid="heads-link">
          Train this catalog’s own classifier
        </Link>
      </div>

      <section className="panel" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload</h2>
        <Upload slug={slug} onQueued={(job) => showJob(job.id)} />
        {jobId ? (
          <JobProgress
            key={jobId}
            jobId={jobId}
            onProgress={onProgress}
            onFinished={() => {
              void refresh();
              setItemsVersion((v) => v + 1);
            }}
            onClose={() => showJob(null)}
          />
        ) : null}
        {recent.filter((j) => j.id !== jobId).length > 0 ? (
          <div className="recent-jobs">
            <h3>Recent jobs</h3>
            <ul className="plain">
              {recent
                .filter((j) => j.id !== jobId)
                .map((j) => (
                  <li key={j.id}>
                    <button type="button" className="link" onClick={() => showJob(j.id)}>
                      Job #{j.id}
                    </button>{' '}
                    <span className={`status-pill ${j.status}`}>{j.status}</span> {j.done} / {j.total} files, {j.failed}{' '}
                    failed
                  </li>
                ))}
            </ul>
          </div>
        ) : null}
      </section>

      <CatalogItems slug={slug} version={itemsVersion} onChange={refresh} />
    </div>
  );
}

/** Multipart upload through XMLHttpRequest, for its upload progress events. */
function uploadFiles(slug: string, files: File[], onProgress: (loaded: number, total: number) => void): Promise<Job> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/catalogs/${encodeURIComponent(slug)}/items`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload failed: the connection was lost'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'the upload was cancelled'));
    xhr.onload = async () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { 'content-type': 'application/json' },
      });
      if (xhr.status >= 200 && xhr.status < 300) resolve((await response.json()) as Job);
      else reject(await toApiError(response));
    };
    xhr.send(form);
  });
}

function Upload({ slug, onQueued }: { slug: string; onQueued: (job: Job) => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [over, setOver] = useState(false);
  const id = useId();
  const total = files.reduce((s, f) => s + f.size, 0);
  const zips = files.filter((f) => /\.zip$/i.test(f.name)).length;
  const problem =
    zips > 0 && files.length > 1 ? 'Send one zip file alone, or images (and at most one manifest).' : null;

  return (
    <form
      className="upload"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!files.length || problem) return;
        setError(null);
        setProgress({ loaded: 0, total });
        try {
          const job = await uploadFiles(slug, files, (loaded, t) => setProgress({ loaded, total: t }));
          setFiles([]);
          onQueued(job);
        } catch (err) {
          setError(err);
        } finally {
          setProgress(null);
        }
      }}
    >
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          setFiles([...e.dataTransfer.files]);
        }}
      >
        <input
          id={id}
          className="visually-hidden"
          type="file"
          multiple
          accept="image/*,.zip,.jsonl,.ndjson,.csv"
          aria-describedby={`${id}-hint`}
          data-testid="upload-input"
          onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])}
        />
        <label htmlFor={id} className="button">
          Choose files…
        </label>
        <p id={`${id}-hint`} className="hint">
          Several images, one <code>.zip</code>, or a manifest (<code>.jsonl</code>/<code>.csv</code>) with the images
          it names. Or drop them here.
        </p>
      </div>
      {files.length ? (
        <p data-testid="upload-selection">
          {files.length === 1 ? files[0]!.name : `${files.length} files`} · {formatBytes(total)}
        </p>
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {progress ? (
        <div className="upload-progress" data-testid="upload-progress">
          <div
            className="progress active"
            role="progressbar"
            aria-label="Upload"
            aria-valuemin={0}
            aria-valuemax={progress.total || 1}
            aria-valuenow={progress.loaded}
          >
            <span style={{ width: `${progress.total ? (progress.loaded / progress.total) * 100 : 0}%` }} />
          </div>
          <p className="hint" role="status">
            Uploading {formatBytes(progress.loaded)} of {formatBytes(progress.total)}
            {progress.loaded >= progress.total ? ' — waiting for the server…' : ''}
          </p>
        </div>
      ) : null}
      <ErrorNotice error={error} onDismiss={() => setError(null)} context="upload" />
      <button
        type="submit"
        className="button primary"
        disabled={!files.length || progress !== null || problem !== null}
        data-testid="upload-submit"
      >
        Upload and index
      </button>
    </form>
  );
}
