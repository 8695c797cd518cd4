// RFC 6455 §4.2.1 handshake checks made before ws's handleUpgrade, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handshakeFault, type HandshakeRequest } from '../../src/transport/ws-handshake.js';

const GOOD = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };

function req(headers: Record<string, string | undefined>, version: [number, number] = [1, 1]): HandshakeRequest {
  return { httpVersionMajor: version[0], httpVersionMinor: version[1], headers: { ...GOOD, ...headers } };
}

test('handshake faults: status per RFC 6455 §4.2.1, 426 names version 13', () => {
  const cases: Array<[string, HandshakeRequest, number | undefined]> = [
    ['a browser handshake', req({}), undefined],
    ['token lists and case', req({ upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' }), undefined],
    ['HTTP/1.0', req({}, [1, 0]), 400],
    ['HTTP/2 style major', req({}, [2, 0]), undefined],
    ['Upgrade: h2c', req({ upgrade: 'h2c' }), 400],
    ['no Connection: Upgrade', req({ connection: 'keep-alive' }), 400],
    ['no key', req({ 'sec-websocket-key': undefined }), 400],
    ['1-character key', req({ 'sec-websocket-key': 'a' }), 400],
    ['key of 15 bytes', req({ 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ=' }), 400],
    ['two keys', req({ 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==' }), 400],
    ['no version', req({ 'sec-websocket-version': undefined }), 400],
    ['version 8', req({ 'sec-websocket-version': '8' }), 426],
    ['version 14', req({ 'sec-websocket-version': '14' }), 426],
    ['version list', req({ 'sec-websocket-version': '13, 8' }), 426],
  ];
  for (const [name, r, status] of cases) {
    const fault = handshakeFault(r);
    assert.equal(fault?.status, status, name);
    if (status === 426) assert.equal(fault?.headers, 'Sec-WebSocket-Version: 13\r\n', name);
  }
});
