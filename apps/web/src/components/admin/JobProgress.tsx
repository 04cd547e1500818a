'use client';
// Live progress of one ingest job, polled from GET /api/v1/jobs/{id} until it ends. The job id lives in the page's
// URL, so a reload picks the polling up again.
import { useEffect, useRef, useState } from 'react';
import { loupe, formatDuration, type Job } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import './JobProgress.css';

const ACTIVE = new Set(['queued', 'running']);

export function JobProgress({
  jobId,
  onProgress,
  onFinished,
  onClose,
}: {
  jobId: number;
  onProgress?: (job: Job) => void;
  onFinished?: (job: Job) => void;
  onClose?: () => void;
}) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const finished = useRef(onFinished);
  const progressed = useRef(onProgress);
  useEffect(() => {
    finished.current = onFinished;
    progressed.current = onProgress;
  });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const j = await loupe.jobs.get(jobId);
        if (stopped) return;
        setJob(j);
        setError(null);
        if (ACTIVE.has(j.status)) {
          progressed.current?.(j);
          timer = setTimeout(poll, 700);
        } else finished.current?.(j);
      } catch (e) {
        if (stopped) return;
        setError(e);
        timer = setTimeout(poll, 3000);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const pct =
    job && job.total > 0 ? Math.min(100, (job.done / job.total) * 100) : job && !ACTIVE.has(job.status) ? 100 : 0;
  return (
    <section className="job" aria-labelledby={`job-${jobId}`} data-testid="job" data-status={job?.status ?? 'loading'}>
      <div className="job-head">
        <h3 id={`job-${jobId}`}>
          Ingest job #{jobId}{' '}
          {job ? (
            <span className={`status-pill ${job.status}`} data-testid="job-status">
              {job.status}
            </span>
          ) : null}
        </h3>
        {onClose ? (
          <button type="button" className="button small ghost" onClick={onClose} aria-label={`Hide job ${jobId}`}>
            ✕
          </button>
        ) : null}
      </div>
      <ErrorNotice error={error} context="reading the job's progress" />
      {job ? (
        <>
          <div
            className={`progress${ACTIVE.has(job.status) ? ' active' : ''}`}
            role="progressbar"
            aria-label={`Job ${jobId} progress`}
            aria-valuemin={0}
            aria-valuemax={job.total || 1}
            aria-valuenow={job.done}
            aria-valuetext={`${job.done} of ${job.total} files`}
          >
            <span style={{ width: `${pct}%` }} />
          </div>
          <dl className="job-numbers" data-testid="job-numbers">
            <div>
              <dt>Files</dt>
              <dd data-testid="job-count">
                {job.done} / {job.total}
              </dd>
            </div>
            <div>
              <dt>Added</dt>
              <dd data-testid="job-added">{job.added}</dd>
            </div>
            <div>
              <dt>Duplicates</dt>
              <dd>{job.duplicates}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd data-testid="job-failed">{job.failed}</dd>
            </div>
            <div>
              <dt>Rate</dt>
              <dd>{job.ratePerSecond ? `${job.ratePerSecond.toFixed(1)} files/s` : '–'}</dd>
            </div>
            <div>
              <dt>{ACTIVE.has(job.status) ? 'ETA' : 'Took'}</dt>
              <dd>
                {ACTIVE.has(job.status)
                  ? job.etaSeconds !== null
                    ? formatDuration(job.etaSeconds)
                    : job.status === 'queued'
                      ? 'waiting to start'
                      : '–'
                  : job.startedAt && job.finishedAt
                    ? formatDuration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)
                    : '–'}
              </dd>
            </div>
          </dl>
          {job.error ? <p className="notice error">{job.error}</p> : null}
          {job.failures && job.failures.length > 0 ? (
            <details className="failures" open={job.failures.length <= 10}>
              <summary>
                {job.failures.length} file{job.failures.length === 1 ? '' : 's'} failed
              </summary>
              <ul data-testid="job-failures">
                {job.failures.map((f, i) => (
                  <li key={`${f.file}-${i}`}>
                    <code>{f.file}</code>: {f.reason ?? 'no reason recorded'}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : (
        <p role="status">Loading…</p>
      )}
    </section>
  );
}
