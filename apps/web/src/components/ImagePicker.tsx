'use client';
// Where a query image comes from: a file picker, drag and drop anywhere on the zone, or paste (Ctrl/⌘+V) anywhere on
// the page. The server sniffs the real type from the bytes, so nothing is filtered here by name or MIME type.
import { useEffect, useId, useRef, useState } from 'react';
import './ImagePicker.css';

interface Props {
  onFile: (file: File) => void;
  compact?: boolean;
  disabled?: boolean;
}

export function ImagePicker({ onFile, compact, disabled }: Props) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const hint = `${id}-hint`;

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Pasting text into a field stays a text paste.
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA') &&
        (target as HTMLInputElement).type !== 'file'
      )
        return;
      const file = [...(event.clipboardData?.files ?? [])][0];
      if (file) {
        event.preventDefault();
        onFile(file);
      }
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [onFile]);

  return (
    <div
      className={`dropzone${over ? ' over' : ''}${compact ? ' compact' : ''}`}
      data-testid="dropzone"
      onDragOver={(event) => {
        if (![...event.dataTransfer.types].includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const file = event.dataTransfer.files[0];
        if (file) onFile(file);
      }}
    >
      <svg
        aria-hidden="true"
        width={compact ? 22 : 40}
        height={compact ? 22 : 40}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        <rect x="3" y="4" width="18" height="16" rx="2" />
        <circle cx="9" cy="10" r="2" />
        <path d="M21 16l-5-5-9 9" />
      </svg>
      <div>
        <input
          ref={input}
          id={id}
          className="visually-hidden"
          type="file"
          accept="image/*"
          aria-describedby={hint}
          disabled={disabled}
          data-testid="image-input"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) onFile(file);
            event.currentTarget.value = '';
          }}
        />
        <label htmlFor={id} className="button primary">
          {compact ? 'Another image…' : 'Choose an image…'}
        </label>
        <p id={hint} className="hint">
          or drop it here, or paste it (Ctrl+V). JPEG, PNG, WebP, GIF, AVIF or TIFF.
        </p>
      </div>
    </div>
  );
}
