/**
 * AddN on webgpu for any number of inputs.
 *
 * tfjs-backend-webgpu 4.22 compiles AddN as one shader binding every input and the
 * output as storage buffers. WebGPU's default `maxStorageBuffersPerShaderStage` is 8
 * (the device tfjs requests keeps the default), so an AddN of 8 or more tensors — a
 * composite loss of ten terms, for instance — makes an invalid pipeline. Dawn then
 * drops the whole command buffer: the sum reads as zeros and every other op batched
 * with it is lost, with only a validation message on stderr. tfjs's own Concat splits
 * its inputs the same way for the same reason.
 *
 * This wrapper folds the inputs left to right in groups that fit the device's limit,
 * `addN([addN(first group), next…])`, so the float additions happen in the same order
 * as one AddN would do them.
 */
import { tf } from '../../tf.js';

interface WebgpuLikeBackend {
  device?: { limits?: { maxStorageBuffersPerShaderStage?: number } };
  disposeData(dataId: object): void;
}

const wrapped = new WeakSet<object>();

/**
 * Replaces the webgpu AddN kernel by one that splits long input lists into chunks
 * the device can bind. Idempotent; does nothing where webgpu is not registered.
 *
 * @returns true when the webgpu AddN kernel is (now) the chunking one.
 */
export function registerWebgpuAddN(): boolean {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original) return false;
  if (wrapped.has(original)) return true;
  const inner = original.kernelFunc;
  const config: tf.KernelConfig = {
    kernelName: 'AddN',
    backendName: 'webgpu',
    kernelFunc: (args) => {
      const inputs = Object.values(args.inputs) as tf.TensorInfo[];
      const backend = args.backend as unknown as WebgpuLikeBackend;
      // one storage buffer is the output
      const maxInputs = Math.max(2, (backend.device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
      if (inputs.length <= maxInputs) return inner(args);
      let acc = inner({ ...args, inputs: inputs.slice(0, maxInputs) as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
      for (let i = maxInputs; i < inputs.length; i += maxInputs - 1) {
        const next = inner({ ...args, inputs: [acc, ...inputs.slice(i, i + maxInputs - 1)] as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        backend.disposeData(acc.dataId);
        acc = next;
      }
      return acc;
    },
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel(config);
  wrapped.add(tf.getKernel('AddN', 'webgpu')!);
  return true;
}
