import type { QueryAnalysis } from '../../lib/api';
import { IMAGENET_CONFIDENT } from '../../lib/labels';
import { Predictions } from '../Predictions';

interface Props {
  analysis: QueryAnalysis;
  inRegion: boolean;
  catalogName: (slug: string) => string;
  /** The catalog whose head's classes would be shown (the filter's). */
  catalog: string;
  /** The chosen catalog has a head whose classes only the server computes (in-browser mode, uploaded image). */
  headOnServerOnly: string | null;
}

/** What the model sees in the query: the catalog head's own categories (if any), then the ImageNet classes. */
export function ModelSees({ analysis, inRegion, catalogName, catalog, headOnServerOnly }: Props) {
  const head = analysis.head;
  return (
    <>
      <h2 className="subhead">What the model sees{inRegion ? ' in the region' : ''}</h2>
      {head ? (
        <>
          <h3 className="minor" data-testid="head-heading">
            {catalogName(head.catalog ?? catalog)} categories (head v{head.version})
            <span className="muted"> · field “{head.field}”</span>
          </h3>
          <Predictions
            predictions={head.predictions}
            label={`${catalogName(head.catalog ?? catalog)} categories`}
            testId="head-predictions"
            itemTestId="head-prediction"
            className="head"
          />
        </>
      ) : headOnServerOnly ? (
        <p className="hint" data-testid="head-server-only">
          {catalogName(headOnServerOnly)}’s own categories are computed on the server: switch to server mode to see them
          for this image. Result labels and the label filter work in both modes.
        </p>
      ) : null}
      <h3 className="minor">ImageNet classes</h3>
      <Predictions predictions={analysis.predictions} label="ImageNet classes" confident={IMAGENET_CONFIDENT} />
    </>
  );
}
