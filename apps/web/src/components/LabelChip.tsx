import { labelSourceText, type ItemLabel } from '../lib/api';
import './LabelChip.css';

/**
 * An item's label under its catalog's active head: "Sneaker · predicted 93%" (dashed: the head's guess),
 * "Sneaker · confirmed" (the item's own value of the head's field), or "no label".
 */
export function LabelChip({ label, field, testId }: { label: ItemLabel | null; field?: string; testId: string }) {
  const what = field ? `“${field}”` : 'label';
  if (!label)
    return (
      <span className="item-label none" data-testid={testId} data-label="" title={`No ${what} yet`}>
        no label
      </span>
    );
  return (
    <span
      className={`item-label ${label.source}`}
      data-testid={testId}
      data-label={label.label}
      data-source={label.source}
      title={
        label.source === 'confirmed'
          ? `${what}: ${label.label}, the item’s own value`
          : `${what}: ${label.label}, predicted by the catalog’s classifier head with probability ${label.score.toFixed(2)}`
      }
    >
      <span className="item-label-value">{label.label}</span>
      <span className="item-label-source"> · {labelSourceText(label)}</span>
    </span>
  );
}
