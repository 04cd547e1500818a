'use client';
// Picking items in a grid as a file manager does: a click toggles one, a shift-click sets the whole range from the
// last clicked item to this one (to the clicked one's new state), "select all" takes every item shown.
import { useCallback, useRef, useState } from 'react';

export function useSelection(ids: number[]) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);

  const toggle = useCallback(
    (id: number, range: boolean) => {
      // Read the anchor now: the state updater runs later, after it has moved on to this item.
      const from = range && anchor.current !== null ? ids.indexOf(anchor.current) : -1;
      const to = ids.indexOf(id);
      anchor.current = id;
      setSelected((old) => {
        const next = new Set(old);
        const on = !old.has(id);
        const span = from >= 0 && to >= 0 ? ids.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
        for (const i of span) {
          if (on) next.add(i);
          else next.delete(i);
        }
        return next;
      });
    },
    [ids],
  );

  return {
    selected,
    toggle,
    selectAll: () => setSelected(new Set(ids)),
    clear: () => {
      setSelected(new Set());
      anchor.current = null;
    },
    /** Forget items that are gone (deleted). */
    drop: (gone: number[]) => setSelected((old) => new Set([...old].filter((id) => !gone.includes(id)))),
  };
}
