/**
 * Kernels the wasm backend of tfjs 4.x lacks but the trainer needs, registered in plain JS.
 * `UnsortedSegmentSum` is the gradient of `gather`, i.e. of the Embedding layer: without it, a
 * model with an embedding feature cannot train on wasm. Small tensors only (batch x width), so
 * a JS loop over the backend's buffers is fast enough.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Tf } from './backend.js';

type TensorInfo = Tfjs.TensorInfo;
type Backend = {
  readSync(dataId: object): ArrayLike<number>;
  write(values: Float32Array | Int32Array, shape: number[], dtype: string): object;
};

/** Registers the missing kernels for `backendName` once (no-op for kernels that exist). */
export function registerFallbackKernels(tf: Tf, backendName: string): void {
  if (!tf.getKernel('UnsortedSegmentSum', backendName)) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
        const numSegments = Number((attrs as { numSegments: number }).numSegments);
        const b = backend as unknown as Backend;
        const values = b.readSync(x.dataId);
        const ids = b.readSync(segmentIds.dataId);
        const inner = x.shape.slice(1).reduce((a, d) => a * d, 1);
        const shape = [numSegments, ...x.shape.slice(1)];
        const out =
          x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
        for (let i = 0; i < ids.length; i++) {
          const s = ids[i]!;
          if (s < 0 || s >= numSegments) continue;
          const src = i * inner;
          const dst = s * inner;
          for (let j = 0; j < inner; j++) out[dst + j]! += values[src + j]!;
        }
        return { dataId: b.write(out, shape, x.dtype), shape, dtype: x.dtype } as TensorInfo;
      },
    });
  }
}
