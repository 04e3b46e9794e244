// Loading, empty and error states, each saying what to do next.
import type { ReactNode } from 'react';

export function LoadingState({ label }: { label: string }) {
  return (
    <div className="state-panel" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="state-panel state-error" role="alert">
      <p>{message}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state-panel">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function Notice({ message, tone = 'info' }: { message: string | null; tone?: 'info' | 'error' }) {
  if (!message) return null;
  return (
    <p className={tone === 'error' ? 'notice notice-error' : 'notice'} role={tone === 'error' ? 'alert' : 'status'}>
      {message}
    </p>
  );
}
