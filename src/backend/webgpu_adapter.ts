/**
 * What a WebGPU adapter says about itself, and whether it is a CPU rasteriser — shared by the
 * Node and the browser `initBackend`, which both skip a software adapter in their automatic order.
 */

/** What the WebGPU adapter says about itself (`GPUAdapterInfo`), plus whether it runs on the CPU. */
export interface WebgpuAdapterReport {
  /** e.g. `nvidia`, `amd`, `intel`, `apple`, `mesa` (may be empty) */
  vendor: string;
  /** e.g. `hopper`, `rdna-3`, `software` (may be empty) */
  architecture: string;
  /** driver's device name, e.g. `llvmpipe-llvm-15-0-6-256-bits-` (may be empty) */
  device: string;
  /** human-readable description (may be empty) */
  description: string;
  /**
   * True for a CPU rasteriser (Mesa llvmpipe/lavapipe, SwiftShader, WARP) or
   * a fallback adapter: WebGPU runs there, but slower than the wasm backend.
   */
  software: boolean;
}

interface AdapterLike {
  info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterLike['info']>;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render|warp/i;

/** Reads an adapter's info (the `info` attribute, or the older `requestAdapterInfo()`). */
export async function describeAdapter(adapter: unknown): Promise<WebgpuAdapterReport> {
  const a = adapter as AdapterLike;
  let info = a.info;
  if (!info && typeof a.requestAdapterInfo === 'function') {
    try {
      info = await a.requestAdapterInfo();
    } catch {
      info = undefined;
    }
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const report = {
    vendor: str(info?.vendor),
    architecture: str(info?.architecture),
    device: str(info?.device),
    description: str(info?.description),
  };
  const software =
    info?.isFallbackAdapter === true ||
    a.isFallbackAdapter === true ||
    report.architecture.toLowerCase() === 'software' ||
    SOFTWARE_NAMES.test(`${report.device} ${report.description}`);
  return { ...report, software };
}

/** Short name of a software adapter for the skip reason, e.g. `llvmpipe`. @internal */
export function softwareName(r: WebgpuAdapterReport): string {
  const m = SOFTWARE_NAMES.exec(`${r.device} ${r.description}`);
  return m ? m[0].toLowerCase() : r.description || r.device || r.vendor || 'fallback adapter';
}
