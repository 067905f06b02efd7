/**
 * Where weights come from: bytes in memory, or a location read by a {@link ByteReader}. The
 * platform-neutral reader fetches URLs (absolute, or relative to the page); the Node entry adds
 * one that reads files (`./weights_node.ts`). Loaders take the reader as an argument, so the
 * core never touches a file system.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';

/** Weights as a location (URL string or `URL`; in Node also a file path) or as bytes. */
export type WeightSource = string | URL | ArrayBuffer | Uint8Array;

/** Reads the bytes at a location and resolves a file named next to it (model.json shards). @internal */
export interface ByteReader {
  /** what a location is, for messages: `'file'` or `'URL'` */
  kind: string;
  read(location: string): Promise<Uint8Array>;
  sibling(location: string, name: string): string;
}

/** A read failure that says the location does not exist (`code: 'ENOENT'`, like Node's). @internal */
export class NotThereError extends Error {
  readonly code = 'ENOENT';
}

/** Reads URLs with `fetch` (HTTP 404 and 410 → {@link NotThereError}). @internal */
export const fetchReader: ByteReader = {
  kind: 'URL',
  async read(location) {
    if (typeof fetch !== 'function') throw new NotFoundError(`segaware: cannot fetch ${location}: no fetch() in this environment`);
    const res = await fetch(location);
    if (res.status === 404 || res.status === 410) throw new NotThereError(`HTTP ${res.status} for ${location}`);
    if (!res.ok) throw new NotFoundError(`segaware: cannot fetch ${location}: HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  // shards are named relative to model.json (the TF.js layers format): same folder of the URL
  sibling: (location, name) => location.slice(0, location.lastIndexOf('/') + 1) + name,
};

/** Bytes of an in-memory source, else null. @internal */
export function sourceBytes(source: WeightSource): Uint8Array | null {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return null;
}

/**
 * The location of a source that is not bytes (a `URL` as its href), after checking the type.
 *
 * @throws InvalidArgumentError labelled `argument` for anything but a non-empty string, a URL or bytes
 * @internal
 */
export function sourceLocation(argument: string, source: WeightSource, expected: string): string {
  if (typeof URL !== 'undefined' && source instanceof URL) return source.href;
  if (typeof source === 'string' && source.length > 0) return source;
  throw new InvalidArgumentError(argument, expected, source);
}

/** True for an `http(s):`, `blob:` or `data:` URL string or any `URL` other than `file:` (fetched, also in Node). @internal */
export function isFetchable(source: WeightSource): boolean {
  if (typeof URL !== 'undefined' && source instanceof URL) return source.protocol !== 'file:';
  return typeof source === 'string' && /^(https?|blob|data):/i.test(source);
}
