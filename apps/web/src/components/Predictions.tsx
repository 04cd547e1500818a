import { formatPercent, type Prediction } from '../lib/api';
import { classText } from '../lib/labels';
import './Predictions.css';

interface Props {
  predictions: Prediction[];
  label?: string;
  /** Test ids of the list and of each row (a catalog head's list is told apart from the ImageNet one). */
  testId?: string;
  itemTestId?: string;
  className?: string;
  /** Below this probability a class reads "looks like …" (a guess, not a fact); none: every class is plain. */
  confident?: number;
}

export function Predictions({
  predictions,
  label = 'Top classes',
  testId = 'predictions',
  itemTestId = 'prediction',
  className,
  confident,
}: Props) {
  if (predictions.length === 0) return null;
  return (
    <ol className={className ? `predictions ${className}` : 'predictions'} aria-label={label} data-testid={testId}>
      {predictions.map((p) => (
        <li
          key={p.classId}
          data-testid={itemTestId}
          data-tentative={confident !== undefined && p.score < confident ? '' : undefined}
        >
          <span className="prediction-label">
            {confident === undefined ? p.label : classText(p.label, p.score, confident)}
          </span>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${Math.max(p.score * 100, 1)}%` }} />
          </span>
          <span className="prediction-score">{formatPercent(p.score)}</span>
        </li>
      ))}
    </ol>
  );
}
