// Reading request bodies and writing JSON responses on raw node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientGoneError, PayloadTooLargeError } from './errors.js';

/**
 * Reads the whole body, refusing (413) as soon as it exceeds `limitBytes`, from the declared
 * Content-Length when there is one so an oversized upload is not even read.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new PayloadTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        // Keep draining (and discarding) so the client can finish sending and read our 413.
        req.resume();
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    // An aborted upload ('error' ECONNRESET "aborted", or a close before the end): the client
    // left. After 'end' the promise is settled and these are no-ops.
    req.once('error', () => reject(new ClientGoneError()));
    req.once('close', () => reject(new ClientGoneError()));
  });
}

export type ResponseHeaders = Record<string, string | number | readonly string[]>;

/**
 * The request's path for a log line: no query string (it may hold `?_token=`), and cut short
 * (URL-form commands carry their arguments in the path).
 */
export function loggablePath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : `${url.slice(0, q)}?…`;
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** Writes a complete JSON response (no body for HEAD). */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  json: string,
  headers: ResponseHeaders,
): void {
  const body = Buffer.from(json, 'utf8');
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
