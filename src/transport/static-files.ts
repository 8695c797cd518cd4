// Static files from `[main] base_dir` (SERVER.md §3.9), with upstream's quirks fixed: the
// `/comet-server` prefix and the query string are stripped, the path is percent-decoded, `..`
// and escapes are refused, Content-Length is sent, binary types get no charset.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep, posix } from 'node:path';
import type { ServerResponse } from 'node:http';
import { corsHeaders, sendNotFound } from './http-responses.js';

export interface StaticTarget {
  readonly file: string;
  readonly contentType: string;
}

/** Types that are text and get `; charset=UTF-8` (as upstream does for everything). */
function isTextual(type: string): boolean {
  return type.startsWith('text/') || /(javascript|json|xml|ecmascript)/.test(type);
}

/** Map a request-target to a file under baseDir, or undefined (404). Pure. */
export function resolveStaticFile(baseDir: string, target: string, contentTypes: ReadonlyMap<string, string>): StaticTarget | undefined {
  if (baseDir === '') return undefined;
  let path = target;
  const q = path.search(/[?#]/);
  if (q !== -1) path = path.slice(0, q);
  if (path === '/comet-server' || path.startsWith('/comet-server/')) path = path.slice('/comet-server'.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((seg) => seg === '..')) return undefined;
  const name = posix.basename(decoded);
  const dot = name.lastIndexOf('.');
  if (dot === -1) return undefined;
  const type = contentTypes.get(name.slice(dot + 1));
  if (type === undefined) return undefined;
  const root = resolve(baseDir);
  const file = resolve(root, `.${decoded}`);
  if (!file.startsWith(root + sep)) return undefined;
  return { file, contentType: isTextual(type) ? `${type}; charset=UTF-8` : type };
}

export async function serveStatic(res: ServerResponse, target: StaticTarget | undefined): Promise<void> {
  if (!target) return sendNotFound(res);
  let size: number;
  try {
    const st = await stat(target.file);
    if (!st.isFile()) return sendNotFound(res);
    size = st.size;
  } catch {
    return sendNotFound(res);
  }
  const stream = createReadStream(target.file);
  stream.once('error', () => (res.headersSent ? res.destroy() : sendNotFound(res)));
  stream.once('open', () => {
    res.writeHead(200, {
      ...corsHeaders('GET'),
      'Content-Type': target.contentType,
      'Content-Length': String(size),
      'Cache-Control': 'max-age=3600',
      Connection: 'close',
    });
    stream.pipe(res);
  });
}
