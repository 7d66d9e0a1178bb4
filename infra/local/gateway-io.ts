// Reading request bodies and writing responses for the local gateway, including how API Gateway
// turns a payload 2.0 handler result into an HTTP response.

import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** Reads the body up to the limit; undefined (and reading stops) once the limit is passed. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Writes a handler result the way API Gateway interprets payload 2.0 responses. */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // A bare string, or JSON without statusCode, is taken as a 200 JSON body.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null');
    send(res, 200, { 'content-type': 'application/json' }, body);
    return;
  }
  const status = result.statusCode;
  if (!Number.isInteger(status) || status === undefined || status < 100 || status > 599) {
    throw new Error('handler returned an invalid statusCode');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  // Framing is the gateway's job; AWS ignores multiValueHeaders in 2.0, so this does too.
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  delete headers.connection;
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  send(res, status, headers, body);
}

export function problem(
  res: ServerResponse,
  status: number,
  code: string,
  reason: string,
  detail: string,
): void {
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, code, reason });
  send(res, status, { 'content-type': 'application/problem+json' }, body);
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': payload.length });
  res.end(payload);
}
