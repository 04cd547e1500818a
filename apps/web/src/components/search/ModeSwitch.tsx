'use client';
import type { Mode } from './types';
import './ModeSwitch.css';

/** Where the model runs for an uploaded image: on the server, or in this browser (only the vector is sent). */
export function ModeSwitch({ mode, onChange }: { mode: Mode; onChange: (mode: Mode) => void }) {
  return (
    <fieldset className="segmented" aria-describedby="mode-help">
      <legend className="visually-hidden">Where the model runs</legend>
      <label>
        <input
          type="radio"
          name="mode"
          value="server"
          checked={mode === 'server'}
          onChange={() => onChange('server')}
          data-testid="mode-server"
        />
        <span>Server</span>
      </label>
      <label>
        <input
          type="radio"
          name="mode"
          value="browser"
          checked={mode === 'browser'}
          onChange={() => onChange('browser')}
          data-testid="mode-browser"
        />
        <span>In browser</span>
      </label>
    </fieldset>
  );
}

export function ModeHelp({ mode }: { mode: Mode }) {
  return (
    <p id="mode-help" className="hint">
      {mode === 'server'
        ? 'The image is sent to the server, which runs the model.'
        : 'The model runs in this browser (downloaded once, ~51 MB, then cached); only the image’s vector is sent.'}
    </p>
  );
}
