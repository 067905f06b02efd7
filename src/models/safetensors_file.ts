/**
 * safetensors files on disk (Node): read, write, and file-system failures turned into errors
 * that name the file. The format itself (`./safetensors.ts`) is platform-neutral.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { parseSafetensors, serializeSafetensors, type SafeTensor } from './safetensors.js';

/**
 * A named error for a file system failure on `path` (Node's raw `EISDIR`,
 * `ENOTDIR`, `ENOENT`, `EACCES` … say neither which file nor what to do). @internal
 */
export function fsError(err: unknown, path: string, action: 'read' | 'write'): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const what: Record<string, string> = {
    ENOENT: action === 'read' ? 'file not found' : 'its folder does not exist',
    EISDIR: 'it is a directory, not a file',
    ENOTDIR: 'a parent of it is a file, not a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
  };
  if (code && code in what) return new NotFoundError(`segaware: cannot ${action} safetensors file ${JSON.stringify(path)}: ${what[code]} (${code})`);
  return err as Error;
}

/**
 * Reads a `.safetensors` file.
 *
 * @throws NotFoundError naming the path if it does not exist, is a directory or cannot be read.
 */
export async function readSafetensors(path: string): Promise<{ tensors: Map<string, SafeTensor>; metadata: Record<string, string> }> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', 'a .safetensors file path', path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Writes bytes to `path`, turning file system failures into named errors. @internal */
export async function writeSafetensorsBytes(path: string, bytes: Uint8Array): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', 'a .safetensors file path', path);
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw fsError(err, path, 'write');
  }
}

/** Writes a `.safetensors` file. */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }> | Record<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeSafetensorsBytes(path, serializeSafetensors(tensors, metadata));
}
