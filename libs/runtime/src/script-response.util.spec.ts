import { describe, expect, it } from 'vitest';
import { bodyJsonOf, parseScriptResponse } from './script-response.util';

/** What the bootstrap sends: the head's JSON, then NUL and the body's JSON when there is a body. */
const payload = (head: object, body?: unknown): string => JSON.stringify(head) + (body === undefined ? '' : `\0${JSON.stringify(body)}`);

describe('parseScriptResponse', () => {
  it('parses a small body at once and keeps its JSON text for the server to send as it is', () => {
    const response = parseScriptResponse(payload({ status: 200, headers: { 'x-kind': 'small' } }, { hello: 'world' }), 'a.js');

    expect(response).toEqual({ status: 200, headers: { 'x-kind': 'small' }, body: { hello: 'world' } });
    expect(Object.getOwnPropertyDescriptor(response, 'body')).toMatchObject({ value: { hello: 'world' }, enumerable: true });
    expect(bodyJsonOf(response)).toBe('{"hello":"world"}');
  });

  it('parses a large body when it is first read, and a body can still be replaced', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` }));
    const response = parseScriptResponse(payload({ status: 200 }, { items }), 'a.js');

    expect(Object.getOwnPropertyDescriptor(response, 'body')?.get).toBeTypeOf('function');
    expect(bodyJsonOf(response)).toBe(JSON.stringify({ items }));
    expect(response).toEqual({ status: 200, headers: {}, body: { items } });
    response.body = 'replaced';
    expect(response.body).toBe('replaced');
  });

  it('has no body text without a body', () => {
    const response = parseScriptResponse(payload({ status: 204 }), 'a.js');

    expect(response).toEqual({ status: 204, headers: {}, body: undefined });
    expect(bodyJsonOf(response)).toBeUndefined();
  });

  it('refuses a status out of range and headers the server owns', () => {
    expect(() => parseScriptResponse(payload({ status: 99 }), 'a.js')).toThrow('a.js answered with a bad response: status must be an integer from 100 to 599, got 99');
    expect(() => parseScriptResponse(payload({ status: 200, headers: { 'Content-Length': '1' } }), 'a.js')).toThrow('header Content-Length is set by the server, not by scripts');
  });
});
