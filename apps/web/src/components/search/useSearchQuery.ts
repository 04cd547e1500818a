'use client';
// The query hook: what is searched (an upload or an item), its region, the filters and where the model runs — kept
// in the URL and the tab's history, so that Back/Forward and a reload show what the address says.
import { useCallback, useEffect, useRef, useState } from 'react';
import { loupe, type Rect } from '../../lib/api';
import { readUrl, writeUrl } from './url';
import { NO_FILTERS, type Filters, type Mode, type Source } from './types';

/** Uploads kept for Back/Forward in this tab (their object URLs stay valid); older ones are let go. */
const KEPT_UPLOADS = 12;

type ImageSource = Extract<Source, { kind: 'image' }>;

// The tab's uploads live as long as the tab's document, not the search page: Back from an item page (a client-side
// navigation that unmounts the page) finds the upload its history entry names and shows that search again.
const serial = { current: 0 };
const uploads = { current: new Map<number, ImageSource>() };

export function useSearchQuery() {
  const [source, setSource] = useState<Source | null>(null);
  const [crop, setCrop] = useState<Rect | null>(null);
  const [mode, setMode] = useState<Mode>('server');
  const [filters, setFiltersState] = useState<Filters>(NO_FILTERS);
  const [error, setError] = useState<unknown>(null);
  const current = useRef<{ source: Source | null; filters: Filters }>({ source: null, filters: NO_FILTERS });
  current.current = { source, filters };

  // The mode is remembered in this browser.
  useEffect(() => {
    if (window.localStorage.getItem('loupe-mode') === 'browser') setMode('browser');
  }, []);
  const chooseMode = useCallback((m: Mode) => {
    setMode(m);
    window.localStorage.setItem('loupe-mode', m);
  }, []);

  /** Writes the current search into the address bar: a new history entry for a new query, else in place. */
  const record = useCallback((next: Source | null, nextFilters: Filters, push: boolean) => {
    const url = writeUrl({ itemId: next?.kind === 'item' ? next.item.id : null, filters: nextFilters });
    const state = next?.kind === 'image' ? { upload: next.serial } : {};
    if (push) window.history.pushState(state, '', url);
    else window.history.replaceState({ ...window.history.state, ...state }, '', url);
  }, []);

  const startFrom = useCallback((next: Source | null) => {
    setSource(next);
    setCrop(null);
    setFiltersState((f) => ({ ...f, classId: '' }));
  }, []);

  const showItem = useCallback(
    async (id: number, push: boolean) => {
      try {
        setError(null);
        const item = await loupe.items.get(id);
        startFrom({ kind: 'item', item });
        if (push) record({ kind: 'item', item }, { ...current.current.filters, classId: '' }, true);
        window.scrollTo({ top: 0, behavior: 'smooth' });
      } catch (e) {
        setError(e);
      }
    },
    [record, startFrom],
  );

  const onFile = useCallback(
    (file: File) => {
      const upload: ImageSource = { kind: 'image', file, url: URL.createObjectURL(file), serial: ++serial.current };
      uploads.current.set(upload.serial, upload);
      for (const [key, old] of uploads.current) {
        if (uploads.current.size <= KEPT_UPLOADS) break;
        URL.revokeObjectURL(old.url);
        uploads.current.delete(key);
      }
      setError(null);
      startFrom(upload);
      record(upload, { ...current.current.filters, classId: '' }, true);
    },
    [record, startFrom],
  );

  // The address decides what is shown: on load (`/?item=ID` from an item page or a reload) and on Back/Forward.
  useEffect(() => {
    const fromUrl = () => {
      const { itemId, filters: f } = readUrl(window.location.search);
      setFiltersState(f);
      const upload = (window.history.state as { upload?: number } | null)?.upload;
      if (itemId !== null) {
        const shown = current.current.source;
        if (shown?.kind !== 'item' || shown.item.id !== itemId) void showItem(itemId, false);
      } else if (upload !== undefined && uploads.current.has(upload)) {
        if (current.current.source !== uploads.current.get(upload)) startFrom(uploads.current.get(upload)!);
      } else startFrom(null);
    };
    fromUrl();
    window.addEventListener('popstate', fromUrl);
    return () => window.removeEventListener('popstate', fromUrl);
  }, [showItem, startFrom]);

  const setFilters = useCallback(
    (f: Filters) => {
      setFiltersState(f);
      record(current.current.source, f, false);
    },
    [record],
  );

  /** The upload could not be used as a query: show what was shown before it (its history entry goes too). */
  const rejectUpload = useCallback(() => window.history.back(), []);

  return {
    source,
    crop,
    setCrop,
    mode,
    chooseMode,
    filters,
    setFilters,
    showItem,
    onFile,
    rejectUpload,
    error,
    clearError: () => setError(null),
  };
}
