// Issue 14: a job's timeline says what happened in words, not "Step create-call:sent done".
import { describe, expect, it } from 'vitest';
import { CREATE_CALL_STEP, sentMarker } from '../../electron/core/step-names.js';
import { stepEventText } from '../../electron/core/step-words.js';

describe('step words', () => {
  it('names each committed step in plain words, and a step without words as a sentence', () => {
    expect(stepEventText(sentMarker(CREATE_CALL_STEP), 'done')).toBe(
      'Call sent to the platform; waiting for its answer',
    );
    expect(stepEventText(CREATE_CALL_STEP, 'done')).toBe('Call created on the platform');
    expect(stepEventText('upload', 'done')).toBe('Recording uploaded');
    expect(stepEventText('new-kind:step', 'done')).toBe('Step done: new kind step');
    for (const text of [stepEventText(sentMarker(CREATE_CALL_STEP), 'again'), stepEventText('x-y', 'again')]) {
      expect(text).not.toMatch(/:sent|create-call/);
    }
  });
});
