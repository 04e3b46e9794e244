import { describe, expect, it } from 'vitest';
import { canTransition, statesLeadingTo, transitions } from '../../../electron/core/outbox/job-states.js';
import { jobStates } from '../../../shared/model.js';

describe('job state machine', () => {
  it('covers every state', () => {
    expect(Object.keys(transitions).sort()).toEqual([...jobStates].sort());
  });

  it('follows the pipeline of docs/ARCHITECTURE.md', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'retry-wait')).toBe(true);
    expect(canTransition('retry-wait', 'running')).toBe(true);
    expect(canTransition('running', 'done')).toBe(true);
    expect(canTransition('needs-review', 'queued')).toBe(true);
    expect(canTransition('failed', 'queued')).toBe(true);
  });

  it('never leaves done and never runs a job that is not queued or due', () => {
    expect(transitions.done).toEqual([]);
    expect(statesLeadingTo('running').sort()).toEqual(['queued', 'retry-wait']);
    expect(canTransition('paused', 'running')).toBe(false);
    expect(canTransition('needs-review', 'running')).toBe(false);
  });
});
