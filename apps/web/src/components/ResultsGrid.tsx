'use client';
import Link from 'next/link';
import { formatScore, MATCH_TEXT, type SearchResult } from '../lib/api';
import { LabelChip } from './LabelChip';
import './ResultsGrid.css';

interface Props {
  results: SearchResult[];
  onMoreLikeThis?: (result: SearchResult) => void;
  label?: string;
  /** Match strength and scores mean nothing for a plain list of items (no query). */
  showScores?: boolean;
  /** The label field of the catalog head whose labels the results carry (for the labels' tooltip). */
  labelField?: string;
}

export function ResultsGrid({ results, onMoreLikeThis, label = 'Results', showScores = true, labelField }: Props) {
  return (
    <ol className="results" aria-label={label} data-testid="results">
      {results.map((r, i) => (
        <li key={r.id} className="result" data-testid="result" data-item-id={r.id}>
          <Link
            href={`/items/${r.id}`}
            className="thumb"
            aria-label={
              showScores
                ? `${r.title}, ${MATCH_TEXT[r.match].toLowerCase()}, score ${formatScore(r.score)}, catalog ${r.catalog}`
                : `${r.title}, catalog ${r.catalog}`
            }
          >
            {/* Thumbnails are immutable, cached by the browser for a year. */}
            <img src={r.thumbnailUrl} alt="" loading={i < 12 ? 'eager' : 'lazy'} decoding="async" />
            {showScores ? (
              <span
                className="match"
                data-match={r.match}
                data-testid="result-match"
                title={`cosine similarity ${formatScore(r.score)}`}
              >
                {MATCH_TEXT[r.match]}
              </span>
            ) : null}
          </Link>
          <div className="result-body">
            <Link href={`/items/${r.id}`} className="result-title" data-testid="result-title" tabIndex={-1}>
              {r.title}
            </Link>
            <div className="result-meta">
              <span className="tag">{r.catalog}</span>
              {r.topClass ? <span className="muted">{r.topClass}</span> : null}
            </div>
            {showScores ? (
              <div className="result-details">
                score{' '}
                <span data-testid="result-score" title="cosine similarity to the query">
                  {formatScore(r.score)}
                </span>
              </div>
            ) : null}
            {r.label !== undefined ? <LabelChip label={r.label} field={labelField} testId="result-label" /> : null}
            {onMoreLikeThis ? (
              <button
                type="button"
                className="button small"
                onClick={() => onMoreLikeThis(r)}
                aria-label={`More like ${r.title}`}
              >
                More like this
              </button>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
