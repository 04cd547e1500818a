'use client';
// The query's detected objects as buttons: each searches the catalog for items holding a similar object (a region
// search with the object's box), as a click on the object in the image does; and the switch that outlines them.
import type { Rect } from '../../lib/api';
import type { ObjectMark } from '../AnnotatedImage';
import { sameRect } from './types';
import './QueryObjects.css';

interface Props {
  objects: ObjectMark[];
  crop: Rect | null;
  onPick: (box: Rect) => void;
  masks: boolean;
  masksBusy: boolean;
  onMasks: (on: boolean) => void;
}

export function QueryObjects({ objects, crop, onPick, masks, masksBusy, onMasks }: Props) {
  if (objects.length === 0 && !masks) return null;
  return (
    <div className="query-objects" role="group" aria-label="Objects in the image" data-testid="query-objects">
      <label className="switch">
        <input type="checkbox" checked={masks} onChange={(e) => onMasks(e.currentTarget.checked)} data-testid="masks-toggle" />
        <span>Masks{masksBusy ? ' (loading…)' : ''}</span>
      </label>
      <span className="muted">Search one object:</span>
      {objects.map((o, i) => {
        const box = roundRect(o.box);
        const active = sameRect(box, crop);
        return (
          <button
            key={`${i}-${box.x0}-${box.y0}`}
            type="button"
            className={active ? 'object-chip active' : 'object-chip'}
            aria-pressed={active}
            onClick={() => onPick(box)}
            data-testid="query-object"
            data-label={o.label}
          >
            {o.label} <span className="muted">{(o.score * 100).toFixed(0)}%</span>
          </button>
        );
      })}
    </div>
  );
}

/** Whole pixels, as a drawn region has. */
export const roundRect = (r: Rect): Rect => ({ x0: Math.round(r.x0), y0: Math.round(r.y0), x1: Math.round(r.x1), y1: Math.round(r.y1) });
