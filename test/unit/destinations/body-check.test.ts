// createBodyCheck: validate() and deliver() of a kind must name the same issues, so both come
// from one check; deliver() turns them into a ReviewError instead of sending.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReviewError } from '../../../electron/core/delivery-errors.js';
import { createBodyCheck } from '../../../electron/core/destinations/platform-fields.js';

const Schema = z.object({ agent_id: z.string().min(1), call_id: z.string().min(1).optional() }).strict();
const check = createBodyCheck(Schema, { agent_id: 'agentId', call_id: 'callId' }, 'agent-calls');

describe('createBodyCheck', () => {
  it('accepts a valid body: no issues, and parse returns the parsed body', () => {
    expect(check.issues({ agent_id: 'a', call_id: 'c' })).toEqual([]);
    expect(check.parse({ agent_id: 'a', call_id: 'c' })).toEqual({ agent_id: 'a', call_id: 'c' });
  });

  it('names every issue by canonical field, and parse throws a ReviewError with those same issues', () => {
    const body = { call_id: '', colour: 'red' };
    const expected = [
      { field: 'agentId', message: 'required by agent-calls (its field agent_id)' },
      { field: 'callId', message: expect.stringContaining('(agent-calls field call_id)') },
      {
        field: 'defaults.colour',
        message: `agent-calls has no field "colour"; remove it from this destination's defaults`,
      },
    ];
    expect(check.issues(body)).toEqual(expected);
    let thrown: unknown;
    try {
      check.parse(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ReviewError);
    expect((thrown as ReviewError).issues).toEqual(expected);
  });

  it('rules add what the schema cannot say, and a body that passes the schema but not the rules is not sent', () => {
    const withRules = createBodyCheck(
      Schema,
      { agent_id: 'agentId', call_id: 'callId' },
      'agent-calls',
      (body, issues) =>
        body.call_id === undefined ? [...issues, { field: 'callId', message: 'needed here' }] : issues,
    );
    expect(withRules.issues({ agent_id: 'a' })).toEqual([{ field: 'callId', message: 'needed here' }]);
    expect(() => withRules.parse({ agent_id: 'a' })).toThrow(ReviewError);
    expect(withRules.parse({ agent_id: 'a', call_id: 'c' })).toEqual({ agent_id: 'a', call_id: 'c' });
    expect(withRules.issues({})).toEqual([
      { field: 'agentId', message: 'required by agent-calls (its field agent_id)' },
      { field: 'callId', message: 'needed here' },
    ]);
  });
});
