/**
 * Read a request body with a hard size cap, before and after gzip decompression. A body over the
 * cap is refused as soon as the cap is crossed: a gzip bomb never expands past max_body_bytes.
 */
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { LogwardenError } from '../../core/errors.js';

const gunzipAsync = promisify(gunzip);

export interface ReadBodyOptions {
  readonly maxBytes: number;
  /** The Content-Encoding header. */
  readonly encoding: string | undefined;
}

function tooLarge(what: string, maxBytes: number): LogwardenError {
  return new LogwardenError(
    'LW_BODY_TOO_LARGE',
    `${what} exceeds server.max_body_bytes (${maxBytes} bytes)`,
    {
      details: { limit: 'server.max_body_bytes', value: maxBytes },
    },
  );
}

/**
 * @throws LW_BODY_TOO_LARGE (413), LW_BODY_MALFORMED (bad gzip), LW_UNSUPPORTED_MEDIA (encoding)
 */
export async function readBody(stream: Readable, opts: ReadBodyOptions): Promise<Buffer> {
  const encoding = (opts.encoding ?? 'identity').trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzip && encoding !== 'identity') {
    stream.resume();
    throw new LogwardenError(
      'LW_UNSUPPORTED_MEDIA',
      `Content-Encoding ${JSON.stringify(encoding)}: only gzip or identity`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > opts.maxBytes) {
      // Discard the rest without holding it; the answer closes the connection.
      stream.resume();
      throw tooLarge(
        `request body (${gzip ? 'compressed, ' : ''}more than ${opts.maxBytes} bytes)`,
        opts.maxBytes,
      );
    }
    chunks.push(chunk as Buffer);
  }
  const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  if (!gzip) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: opts.maxBytes });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw tooLarge('decompressed request body', opts.maxBytes);
    }
    throw new LogwardenError(
      'LW_BODY_MALFORMED',
      `Content-Encoding gzip: body is not valid gzip (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}
