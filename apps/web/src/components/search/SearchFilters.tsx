'use client';
import { useEffect, useState } from 'react';
import type { Catalog } from '../../lib/api';
import type { Filters } from './types';
import type { CatalogHead } from './useCatalogs';
import './SearchFilters.css';

interface Props {
  filters: Filters;
  onChange: (filters: Filters) => void;
  catalogs: Catalog[];
  classOptions: Array<{ id: number; label: string }>;
  head: CatalogHead | null;
  catalogName: (slug: string) => string;
}

/** The results' filters: catalog, top class, the catalog head's label, and a minimum score. */
export function SearchFilters({ filters, onChange, catalogs, classOptions, head, catalogName }: Props) {
  const [minScore, setMinScore] = useState(filters.minScore);
  // The slider follows the filters (Back/Forward), and applies once it stops moving.
  useEffect(() => setMinScore(filters.minScore), [filters.minScore]);
  useEffect(() => {
    if (minScore === filters.minScore) return;
    const t = setTimeout(() => onChange({ ...filters, minScore }), 350);
    return () => clearTimeout(t);
  }, [minScore, filters, onChange]);

  return (
    <div className="filters" role="group" aria-label="Filters">
      <label>
        Catalog
        <select
          value={filters.catalog}
          onChange={(e) => onChange({ ...filters, catalog: e.currentTarget.value, label: '' })}
          data-testid="filter-catalog"
        >
          <option value="">All catalogs</option>
          {catalogs.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name} ({c.items})
            </option>
          ))}
        </select>
      </label>
      <label>
        Top class
        <select
          value={filters.classId}
          onChange={(e) => onChange({ ...filters, classId: e.currentTarget.value })}
          data-testid="filter-class"
        >
          <option value="">Any class</option>
          {classOptions.map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {head ? (
        <label>
          Label ({head.field})
          <select
            value={filters.label}
            onChange={(e) => onChange({ ...filters, label: e.currentTarget.value })}
            data-testid="filter-label"
            title={`The ${catalogName(head.catalog)} head’s labels (v${head.version}), predicted or confirmed`}
          >
            <option value="">Any label</option>
            {head.classes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="range">
        <span>
          Min. score <output data-testid="min-score-value">{minScore.toFixed(2)}</output>
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={minScore}
          onChange={(e) => setMinScore(Number(e.currentTarget.value))}
          data-testid="filter-min-score"
          aria-valuetext={`minimum similarity ${minScore.toFixed(2)}`}
        />
      </label>
    </div>
  );
}
