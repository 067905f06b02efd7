/**
 * A reader and writer for the safetensors format (the format PyTorch users
 * save `state_dict`s in): an 8-byte little-endian header length, a JSON
 * header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`,
 * then the raw little-endian tensor bytes. Spec: huggingface/safetensors.
 */
import { InvalidArgumentError, MismatchError } from '../errors.js';

/** dtypes segaware reads (converted to float32 / int32 on load). */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** One tensor read from a safetensors file. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** values converted to float32 (floating dtypes) or int32 (integer dtypes, int64 truncated) */
  data: Float32Array | Int32Array;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'I16': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    }
    case 'I8': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    }
    case 'U8':
    case 'BOOL': {
      return Int32Array.from(bytes.subarray(0, count));
    }
  }
}

/**
 * Parses safetensors bytes into a name → tensor map (header order kept).
 *
 * @throws MismatchError on a malformed header or out-of-range offsets.
 */
export function parseSafetensors(buffer: Uint8Array): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  if (buffer.byteLength < 8) throw new MismatchError('segaware: not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > buffer.byteLength) {
    throw new MismatchError(`segaware: not a safetensors file: header length ${headerLen} exceeds file size ${buffer.byteLength}`);
  }
  let header: Record<string, { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(buffer.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw new MismatchError(`segaware: not a safetensors file: header is not JSON (${(err as Error).message})`);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    if (!(e.dtype in BYTES)) throw new MismatchError(`segaware: safetensors tensor ${name} has unsupported dtype ${e.dtype}`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * BYTES[e.dtype] || base + end > buffer.byteLength) {
      throw new MismatchError(`segaware: safetensors tensor ${name}: offsets [${begin}, ${end}] do not fit shape [${e.shape}] of ${e.dtype}`);
    }
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data: decode(e.dtype, buffer.subarray(base + begin, base + end), count) });
  }
  return { tensors, metadata };
}

/** Serialises float32 / int32 tensors to safetensors bytes (F32 / I32). */
export function serializeSafetensors(
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }> | Record<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new InvalidArgumentError(`tensors.${name}`, `${count} values for shape [${t.shape}]`, `${t.data.length} values`);
    header[name] = { dtype: t.data instanceof Int32Array ? 'I32' : 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' '; // keep the data 8-byte aligned, as the reference writer does
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const [, t] of entries) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, pos); // typed arrays are little-endian on every platform Node supports
    pos += bytes.length;
  }
  return out;
}
