'use client';
// The results side: how they were produced, a status line, the filters, the results and "Load more" — or, before any
// query, a few catalog items to start from. Results that are the same image or similar show first; loosely similar
// ones are folded under them, and when nothing is close the page says so.
import { useState, type ReactNode } from 'react';
import { formatScore, type SearchResult } from '../../lib/api';
import { ResultsGrid } from '../ResultsGrid';
import { LooseResults } from './LooseResults';
import { ModeBadge } from './ModeBadge';
import type { Filters, Produced } from './types';
import './ResultsPanel.css';

interface Props {
  searching: boolean;
  produced: Produced | null;
  status: string;
  busy: 'search' | 'more' | null;
  /** The last query's error, shown above the results it left in place. */
  error: ReactNode;
  failed: boolean;
  results: SearchResult[];
  /** Counts the queries that ended: the fold of loosely similar results closes again for each new one. */
  query: number;
  /** How many catalogs a search without a catalog filter spans (for "this catalog" or "these catalogs"). */
  catalogCount: number;
  filters: Filters;
  /** The filters' controls (shown once there is a query). */
  filterControls: ReactNode;
  labelField?: string;
  /** The Masks switch: results matched through an object show its mask where their catalog stores masks. */
  masks: boolean;
  nextCursor: string | null;
  onLoadMore: () => void;
  onMoreLikeThis: (result: SearchResult) => void;
  starters: SearchResult[];
}

export function ResultsPanel(p: Props) {
  const close = p.results.filter((r) => r.match !== 'weak');
  const loose = p.results.filter((r) => r.match === 'weak');
  // Open for the query it was opened on (derived, so a new query starts folded without an effect).
  const [openFor, setOpenFor] = useState<number | null>(null);
  const looseOpen = openFor === p.query;
  return (
    <section id="results" className="panel results-panel" aria-labelledby="results-heading" aria-busy={p.busy !== null}>
      <div className="panel-head">
        <h2 id="results-heading">{p.searching ? 'Similar images' : 'Start from a catalog image'}</h2>
        {p.produced && p.searching ? <ModeBadge produced={p.produced} /> : null}
      </div>
      <p className="status" role="status" aria-live="polite" data-testid="status">
        {p.status}
      </p>
      {p.error}

      {p.searching ? (
        <>
          {p.filterControls}
          {p.results.length === 0 && !p.busy && !p.failed ? <NoResults filters={p.filters} /> : null}
          {close.length === 0 && loose.length > 0 && p.busy !== 'search' ? (
            <p className="no-close" data-testid="no-close-matches">
              No close matches in {p.filters.catalog || p.catalogCount <= 1 ? 'this catalog' : 'these catalogs'}.
            </p>
          ) : null}
          {close.length > 0 ? (
            <ResultsGrid results={close} onMoreLikeThis={p.onMoreLikeThis} labelField={p.labelField} showMasks={p.masks} />
          ) : null}
          {loose.length > 0 ? (
            <LooseResults
              results={loose}
              open={looseOpen}
              onOpenChange={(open) => setOpenFor(open ? p.query : null)}
              onMoreLikeThis={p.onMoreLikeThis}
              labelField={p.labelField}
              showMasks={p.masks}
            />
          ) : null}
          {p.nextCursor ? (
            <div className="more">
              <button
                type="button"
                className="button"
                onClick={() => {
                  // What comes next is further from the query: show it where it lands.
                  if (loose.length > 0) setOpenFor(p.query);
                  p.onLoadMore();
                }}
                disabled={p.busy !== null}
                data-testid="load-more"
              >
                {p.busy === 'more' ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
        </>
      ) : p.starters.length > 0 ? (
        <>
          <p className="hint">Pick “More like this” on any of these to search without uploading.</p>
          <ResultsGrid
            results={p.starters}
            onMoreLikeThis={p.onMoreLikeThis}
            label="Catalog images"
            showScores={false}
          />
        </>
      ) : (
        <p className="empty">Choose, drop or paste an image to find similar ones.</p>
      )}
    </section>
  );
}

function NoResults({ filters }: { filters: Filters }) {
  return (
    <p className="empty" data-testid="no-results">
      No results{filters.minScore > 0 ? ` with a score of at least ${formatScore(filters.minScore)}` : ''}
      {filters.label ? ` labelled “${filters.label}”` : ''}
      {filters.catalog ? ` in ${filters.catalog}` : ''}. Try lowering the minimum score or clearing the filters.
    </p>
  );
}
