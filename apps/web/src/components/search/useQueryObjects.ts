'use client';
// The query's objects, for search by object: an indexed item's stored objects, or an uploaded photo's found by the
// server's detector (POST /detect). In in-browser mode the photo never leaves the browser, so it has none; when
// detection fails (a busy server), the page simply offers no objects — the search itself is unaffected.
import { useEffect, useState } from 'react';
import { loupe } from '../../lib/api';
import type { ObjectMark } from '../AnnotatedImage';
import { sourceKey, type Mode, type Source } from './types';

export function useQueryObjects(source: Source | null, mode: Mode): { objects: ObjectMark[] } {
  const [found, setFound] = useState<{ key: string; objects: ObjectMark[] } | null>(null);
  const key = source ? `${sourceKey(source)}|${mode}` : '';

  useEffect(() => {
    if (!source) return;
    if (source.kind === 'item') {
      setFound({ key, objects: source.item.objects });
      return;
    }
    if (mode === 'browser') {
      setFound({ key, objects: [] });
      return;
    }
    let cancelled = false;
    loupe
      .detect(source.file)
      .then((r) => !cancelled && setFound({ key, objects: r.objects }))
      .catch(() => !cancelled && setFound({ key, objects: [] }));
    return () => {
      cancelled = true;
    };
  }, [key, source, mode]);

  return { objects: found?.key === key ? found.objects : [] };
}
