// The two requests kinds test their connection with: a create that cannot create anything, and a
// listing of one call.
import { describe, expect, it } from 'vitest';
import { listOneCheck, refusedCreateCheck } from '../../../electron/core/destinations/connection-test.js';

describe('connection checks', () => {
  it('a refused create counts 400 and 422 as accepted credentials and keeps the request and message', () => {
    const signal = new AbortController().signal;
    const request = { method: 'POST' as const, url: 'http://127.0.0.1:1/api/calls/create', json: {}, signal };
    expect(refusedCreateCheck(request, 'Connected to x; key accepted.')).toStrictEqual({
      request,
      acceptedStatuses: [400, 422],
      okMessage: 'Connected to x; key accepted.',
    });
  });

  it('a listing asks for one call with a GET, keeping the URL’s own query', () => {
    const signal = new AbortController().signal;
    const headers = { authorization: 'Bearer t' };
    expect(listOneCheck('http://127.0.0.1:1/v1/calls?team=a', headers, signal)).toStrictEqual({
      request: { method: 'GET', url: 'http://127.0.0.1:1/v1/calls?team=a&limit=1', headers, signal },
    });
  });
});
