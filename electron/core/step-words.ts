// What a person reads in a job's timeline when a step is committed: the step names are ids for
// the code (step-names.ts, each destination's own), these are their words. One place, so a new
// step that has no words yet still reads as a sentence.
import { CREATE_CALL_STEP, LIVE_STOPPED_STEP, TUS_UPLOAD_STEP, sentMarker } from './step-names.js';

const done: Record<string, string> = {
  'upload-url': 'Upload address received from the platform',
  upload: 'Recording uploaded',
  [TUS_UPLOAD_STEP]: 'Upload started on the server',
  'tus-offset': 'Part of the recording uploaded',
  'tus-done': 'Recording uploaded',
  [sentMarker(CREATE_CALL_STEP)]: 'Call sent to the platform; waiting for its answer',
  [CREATE_CALL_STEP]: 'Call created on the platform',
  'complete-call': 'Call marked complete on the platform',
  [LIVE_STOPPED_STEP]: 'Stopped opening the call early; it is sent when the recording is complete',
};

const again: Record<string, string> = {
  'upload-url': 'A new upload address will be asked for',
  upload: 'The recording will be uploaded again',
  [sentMarker(CREATE_CALL_STEP)]: 'The platform did not get the call; it will be sent again',
};

/** The timeline line for a committed step (`again`: its output was dropped and it runs again). */
export function stepEventText(step: string, what: 'done' | 'again'): string {
  const words = what === 'done' ? done[step] : again[step];
  if (words) return words;
  const plain = step.replace(/[:_-]+/g, ' ');
  return what === 'done' ? `Step done: ${plain}` : `Step will run again: ${plain}`;
}
