'use client';
// An object's mask (COCO RLE over the whole image) as translucent 1-pixel-wide strips, inside an SVG whose viewBox is
// the image's pixel grid.
import { maskStrips } from '../lib/masks';

export function MaskOverlay({ mask, color, label, testId }: { mask: { size: number[]; counts: number[] }; color: string; label: string; testId: string }) {
  return (
    <g className="object-mask" fill={color} fillOpacity={0.45} shapeRendering="crispEdges" data-testid={testId} data-label={label}>
      {maskStrips(mask).map(([x, y, n]) => (
        <rect key={`${x}-${y}`} x={x} y={y} width={1} height={n} />
      ))}
    </g>
  );
}
