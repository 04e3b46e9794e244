// The recording of a call, playable in the page: the browser's own <audio> controls (keyboard and
// screen readers know them) over a wavesurfer.js waveform to see and click where people speak.
// The host serves the job's own file with range requests, so a long call starts at once; the
// waveform's peaks are computed by the host from a bounded sample, so the page never decodes
// the whole file (a 300 MB call decoded in the page would freeze it).
import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { useServices } from '../app-services.js';

/** Where each host serves a job's recording: serve's API route, or the desktop app's protocol. */
export function recordingUrl(mode: 'desktop' | 'browser', jobId: string): string {
  const id = encodeURIComponent(jobId);
  return mode === 'desktop' ? `app://callrelay/recording/${id}` : `api/recording/${id}`;
}

const POINTS = 600;

function cssColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function RecordingPlayer({ jobId, durationSec }: { jobId: string; durationSec: number | null }) {
  const { client, mode } = useServices();
  const audio = useRef<HTMLAudioElement>(null);
  const wave = useRef<HTMLDivElement>(null);
  // Kept with the job it is about: the player of the next job starts clean.
  const [trouble, setTrouble] = useState<{ jobId: string; message: string } | null>(null);
  const problem = trouble?.jobId === jobId ? trouble.message : null;

  useEffect(() => {
    const media = audio.current;
    const container = wave.current;
    if (!media || !container) return;
    let player: WaveSurfer | null = null;
    let cancelled = false;
    client
      .call('job:waveform', { id: jobId, points: POINTS })
      .then(({ peaks }) => {
        if (cancelled) return;
        // Without peaks (not a PCM WAV) a flat line still shows where the playhead is.
        const shown = peaks ?? new Array<number>(POINTS).fill(0.02);
        player = WaveSurfer.create({
          container,
          media,
          peaks: [shown],
          duration: durationSec ?? undefined,
          // The CSP allows wavesurfer.js's stylesheet by its hash, which holds this height.
          height: 56,
          barWidth: 2,
          barGap: 1,
          waveColor: cssColor('--border', '#d0d7de'),
          progressColor: cssColor('--accent', '#0b5cad'),
          cursorColor: cssColor('--text', '#1b1f24'),
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) setTrouble({ jobId, message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
      // Given its media element, wavesurfer leaves it alone on destroy: React owns the <audio>.
      player?.destroy();
    };
  }, [client, jobId, durationSec]);

  return (
    <div className="recording-player">
      <div ref={wave} className="waveform" aria-hidden="true" data-testid="waveform" />
      <audio
        ref={audio}
        controls
        preload="metadata"
        src={recordingUrl(mode, jobId)}
        aria-label="Play the recording"
        data-testid="recording-audio"
        onError={() =>
          setTrouble((t) =>
            t?.jobId === jobId
              ? t
              : {
                  jobId,
                  message:
                    'The recording cannot be played here (moved, replaced, or a format the browser does not play).',
                },
          )
        }
      />
      {problem ? (
        <p className="muted" role="status">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
