'use client';
// The results too far from the query to call similar ("weak" for their catalog's measured thresholds), folded away
// until asked for: a page of confident-looking cards for a query nothing matches would mislead.
import type { SearchResult } from '../../lib/api';
import { ResultsGrid } from '../ResultsGrid';
import './LooseResults.css';

interface Props {
  results: SearchResult[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onMoreLikeThis: (result: SearchResult) => void;
  labelField?: string;
  showMasks: boolean;
}

export function LooseResults({ results, open, onOpenChange, onMoreLikeThis, labelField, showMasks }: Props) {
  return (
    <details
      className="loose-results"
      open={open}
      onToggle={(e) => onOpenChange(e.currentTarget.open)}
      data-testid="loose-results"
    >
      <summary>
        Loosely similar <span className="muted">({results.length})</span>
      </summary>
      <ResultsGrid
        results={results}
        onMoreLikeThis={onMoreLikeThis}
        label="Loosely similar results"
        labelField={labelField}
        showMasks={showMasks}
      />
    </details>
  );
}
