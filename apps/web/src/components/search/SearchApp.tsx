'use client';
// The search page: a query (an uploaded image, a region of it, or an indexed item), what the model sees in it
// (classes, boxes, heatmap), and the similar items, filtered and paged. The query runs on the server, or — in
// in-browser mode — the model runs here and only the vector is sent. A search restricted to a catalog with an active
// classifier head also shows that catalog's own categories for the query (and their box: server mode only, the head
// runs on the server), each result's label, and a label filter. State lives in three hooks: the query (kept in the
// URL), its results, and the overlays on the query image.
import { useEffect, useMemo } from 'react';
import { ErrorNotice } from '../ErrorNotice';
import { ImagePicker } from '../ImagePicker';
import { DropOverlay } from './DropOverlay';
import { ModeHelp, ModeSwitch } from './ModeSwitch';
import { QueryView } from './QueryView';
import { ResultsPanel } from './ResultsPanel';
import { SearchFilters } from './SearchFilters';
import { useCatalogHead, useCatalogs } from './useCatalogs';
import { useOverlays } from './useOverlays';
import { usePageDrop } from './usePageDrop';
import { useSearchQuery } from './useSearchQuery';
import { useQueryObjects } from './useQueryObjects';
import { useSearchResults } from './useSearchResults';
import './SearchApp.css';

/** Where the two panels stack (see SearchApp.css). */
const NARROW = '(max-width: 900px)';

export function SearchApp() {
  const query = useSearchQuery();
  const { source, crop, mode, filters } = query;
  const found = useSearchResults(query, query.rejectUpload);
  const overlays = useOverlays(source, crop, mode);
  const { catalogs, starters, catalogName } = useCatalogs();
  const head = useCatalogHead(filters.catalog);
  const dragging = usePageDrop(query.onFile);
  const queryObjects = useQueryObjects(source, mode);

  // On a phone the results (or the error) are below the query: show them once a search ends.
  useEffect(() => {
    if (found.settled > 0 && window.matchMedia(NARROW).matches)
      document.getElementById('results')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [found.settled]);

  const classOptions = useMemo(() => {
    const ids = new Set<number>(found.analysis?.predictions.map((p) => p.classId) ?? []);
    if (filters.classId !== '') ids.add(Number(filters.classId));
    return [...ids].map((id) => ({ id, label: found.classNames.get(id) ?? `class ${id}` }));
  }, [found.analysis, filters.classId, found.classNames]);

  const error = found.error ?? query.error;
  const status =
    found.busy === 'search'
      ? (found.progress ?? 'Searching…')
      : found.busy === 'more'
        ? 'Loading more…'
        : source && !error
          ? `${found.results.length} result${found.results.length === 1 ? '' : 's'}`
          : '';

  return (
    <div className="search-layout">
      {dragging ? <DropOverlay /> : null}
      <section className="panel query-panel" aria-labelledby="query-heading">
        <div className="panel-head">
          <h1 id="query-heading">Search by image</h1>
          <ModeSwitch mode={mode} onChange={query.chooseMode} />
        </div>
        <ModeHelp mode={mode} />
        <ImagePicker onFile={query.onFile} compact={source !== null} />
        {source ? (
          <QueryView
            source={source}
            analysis={found.analysis}
            crop={crop}
            onCrop={query.setCrop}
            overlays={overlays}
            catalog={filters.catalog}
            catalogName={catalogName}
            headOnServerOnly={head && source.kind === 'image' && mode === 'browser' ? head.catalog : null}
            objects={queryObjects}
          />
        ) : null}
      </section>

      <ResultsPanel
        searching={source !== null}
        masks={queryObjects.masks}
        produced={found.produced}
        status={status}
        busy={found.busy}
        error={
          <ErrorNotice
            error={error}
            onDismiss={() => {
              found.clearError();
              query.clearError();
            }}
          />
        }
        failed={error !== null}
        results={found.results}
        query={found.settled}
        catalogCount={catalogs.filter((c) => c.items > 0).length}
        filters={filters}
        filterControls={
          <SearchFilters
            filters={filters}
            onChange={query.setFilters}
            catalogs={catalogs}
            classOptions={classOptions}
            head={head}
            catalogName={catalogName}
          />
        }
        labelField={head?.field}
        nextCursor={found.nextCursor}
        onLoadMore={() => void found.loadMore()}
        onMoreLikeThis={(r) => void query.showItem(r.id, true)}
        starters={starters}
      />
    </div>
  );
}
