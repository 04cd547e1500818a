'use client';
import Link from 'next/link';
import { formatScore, MATCH_TEXT, type SearchResult } from '../lib/api';
import { resultCaption } from '../lib/labels';
import { AlsoIn } from './AlsoIn';
import { OBJECT_COLOR } from './AnnotatedImage';
import { LabelChip } from './LabelChip';
import { MaskOverlay } from './MaskOverlay';
import './ResultsGrid.css';

interface Props {
  results: SearchResult[];
  onMoreLikeThis?: (result: SearchResult) => void;
  label?: string;
  /** Match strength and scores mean nothing for a plain list of items (no query). */
  showScores?: boolean;
  /** The label field of the catalog head whose labels the results carry (for the labels' tooltip). */
  labelField?: string;
  /** Draw the matched object's mask over its thumbnail, where its catalog stores masks (the page's Masks switch). */
  showMasks?: boolean;
}

/**
 * The item's object that matched the query, outlined over the thumbnail. The SVG's viewBox is the item's pixel grid
 * and "slice" crops it exactly as the thumbnail's object-fit: cover does, so the outline lands on the object.
 */
function MatchedRegion({ region, width, height, showMask }: { region: NonNullable<SearchResult['region']>; width: number; height: number; showMask: boolean }) {
  const { x0, y0, x1, y1, label, mask } = region;
  return (
    <svg className="result-region" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="xMidYMid slice" aria-hidden="true" data-testid="result-region" data-label={label}>
      {showMask && mask ? <MaskOverlay mask={mask} color={OBJECT_COLOR} label={label} testId="result-mask" /> : null}
      <rect x={x0} y={y0} width={x1 - x0} height={y1 - y0} fill="none" stroke="#000" strokeOpacity={0.6} strokeWidth={5} vectorEffect="non-scaling-stroke" />
      <rect x={x0} y={y0} width={x1 - x0} height={y1 - y0} fill="none" stroke="#ffd43b" strokeWidth={2.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

/** "catalog shop, also in archive and outlet" for a card's label. */
function catalogsText(r: SearchResult): string {
  const others = r.alsoIn?.map((c) => c.catalog) ?? [];
  if (others.length === 0) return `catalog ${r.catalog}`;
  const list = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others.at(-1)}`;
  return `catalog ${r.catalog}, also in ${list}`;
}

export function ResultsGrid({ results, onMoreLikeThis, label = 'Results', showScores = true, labelField, showMasks = false }: Props) {
  return (
    <ol className="results" aria-label={label} data-testid="results">
      {results.map((r, i) => (
        <li key={r.id} className="result" data-testid="result" data-item-id={r.id}>
          <Link
            href={`/items/${r.id}`}
            className="thumb"
            aria-label={
              showScores
                ? `${r.title}, ${MATCH_TEXT[r.match].toLowerCase()}, score ${formatScore(r.score)}, ${catalogsText(r)}`
                : `${r.title}, ${catalogsText(r)}`
            }
          >
            {/* Thumbnails are immutable, cached by the browser for a year. */}
            <img src={r.thumbnailUrl} alt="" loading={i < 12 ? 'eager' : 'lazy'} decoding="async" />
            {r.region ? <MatchedRegion region={r.region} width={r.width} height={r.height} showMask={showMasks} /> : null}
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
            {r.region ? (
              <span className="result-via muted" data-testid="result-via">
                via its {r.region.label}
              </span>
            ) : null}
            <Link href={`/items/${r.id}`} className="result-title" data-testid="result-title" tabIndex={-1}>
              {r.title}
            </Link>
            <div className="result-meta">
              <span className="tag">{r.catalog}</span>
              {resultCaption(r) ? (
                <span className="muted" data-testid="result-caption" title={r.topClass ? `ImageNet: ${r.topClass} ${Math.round((r.topClassScore ?? 0) * 100)}%` : undefined}>
                  {resultCaption(r)}
                </span>
              ) : null}
            </div>
            {r.alsoIn ? <AlsoIn copies={r.alsoIn} testId="result-also-in" /> : null}
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
