// The plain HTTP answers of the ws port (SERVER.md §3.9, PROTOCOL.md §2.2): OPTIONS, /info, the
// banner, the favicon redirect and 404. Every one closes the connection after the body.
import type { ServerResponse } from 'node:http';
import { UPSTREAM_VERSION, TSCOMET_VERSION } from '../version.js';

const NODE_FIELD = 10;

/** Headers upstream puts on every plain response (`methods`: "POST, GET", or "GET" for files). */
export function corsHeaders(methods: string): Record<string, string> {
  return {
    Server: 'CppComet Server',
    'Comet-Server': 'CppComet Server',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': methods,
    Allow: methods,
    'Access-Control-Allow-Headers': 'origin, content-type, accept',
  };
}

const HTML = 'text/html; charset=UTF-8';

export const BANNER_HTML =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Comet server</title></head>\n' +
  `<body><h1>${UPSTREAM_VERSION}</h1><p>TsComet ${TSCOMET_VERSION}: WebSocket push server. ` +
  'Browsers connect through CometServerApi.js; back ends use CometQL.</p></body></html>\n';

function finish(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, Connection: 'close' });
  res.end(body);
}

export function sendOptions(res: ServerResponse): void {
  finish(res, 200, { ...corsHeaders('POST, GET'), 'Content-Type': HTML, 'Cache-Control': 'max-age=3600' }, '+OK\r\n');
}

/** `{"status":"ok","node":"<10 chars>"}`: node_name cut to 10 and padded with `_`. */
export function infoBody(nodeName: string): string {
  return JSON.stringify({ status: 'ok', node: nodeName.slice(0, NODE_FIELD).padEnd(NODE_FIELD, '_') });
}

export function sendInfo(res: ServerResponse, nodeName: string): void {
  finish(res, 200, { ...corsHeaders('POST, GET'), 'Content-Type': HTML }, infoBody(nodeName));
}

export function sendBanner(res: ServerResponse, status = 200): void {
  finish(res, status, { ...corsHeaders('POST, GET'), 'Content-Type': HTML, 'Cache-Control': 'max-age=3600' }, BANNER_HTML);
}

export function sendNotFound(res: ServerResponse): void {
  sendBanner(res, 404);
}

export function sendFavicon(res: ServerResponse): void {
  finish(res, 301, { ...corsHeaders('POST, GET'), 'Content-Type': HTML, 'Cache-Control': 'max-age=3600', Location: 'http://comet-server.com/favicon.ico' }, '');
}

/** A request that cannot be served (bad WebSocket request, oversized body). */
export function sendBadRequest(res: ServerResponse, text: string, status = 400): void {
  finish(res, status, { ...corsHeaders('POST, GET'), 'Content-Type': 'text/plain; charset=UTF-8' }, text);
}
