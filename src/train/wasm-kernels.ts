/**
 * Kernel fixes for the wasm backend of tfjs 4.x, registered in plain JS:
 * - `UnsortedSegmentSum` is missing: it is the gradient of `gather`, i.e. of the Embedding
 *   layer, so a model with an embedding feature could not train on wasm.
 * - `BatchMatMul` with `transposeA` / `transposeB` falls back to a naive loop about 6x slower
 *   than the XNNPACK path; every dense layer's backward pass uses both. The override transposes
 *   the operand explicitly (a cheap copy) and runs the fast untransposed kernel.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Tf } from './backend.js';

type TensorInfo = Tfjs.TensorInfo;
type Backend = {
  readSync(dataId: object): ArrayLike<number>;
  write(values: Float32Array | Int32Array, shape: number[], dtype: string): object;
  disposeData(dataId: object): void;
};

const patched = new WeakSet<object>();

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Registers the kernel fixes for `backendName` once per tf namespace. */
export function registerFallbackKernels(tf: Tf, backendName: string): void {
  if (patched.has(tf.engine())) return;
  patched.add(tf.engine());
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
  const matMul = tf.getKernel('BatchMatMul', backendName);
  const transpose = tf.getKernel('Transpose', backendName);
  if (matMul && transpose) {
    tf.unregisterKernel('BatchMatMul', backendName);
    tf.registerKernel({
      kernelName: 'BatchMatMul',
      backendName,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
        const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
        if (!attrs.transposeA && !attrs.transposeB) return matMul.kernelFunc(args);
        const backend = args.backend as unknown as Backend;
        const temps: TensorInfo[] = [];
        const flip = (x: TensorInfo): TensorInfo => {
          const t = transpose.kernelFunc({
            inputs: { x },
            backend: args.backend,
            attrs: { perm: swapLast(x.shape.length) },
          }) as TensorInfo;
          temps.push(t);
          return t;
        };
        const out = matMul.kernelFunc({
          inputs: { a: attrs.transposeA ? flip(a) : a, b: attrs.transposeB ? flip(b) : b },
          backend: args.backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
        for (const t of temps) backend.disposeData(t.dataId);
        return out;
      },
    });
  }
}
