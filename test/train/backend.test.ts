import { describe, expect, it } from 'vitest';
import { TrainError } from '../../src/errors.js';
import { detectGpu, formatGpu, parseNvidiaSmi, selectBackend } from '../../src/train/backend.js';

function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from somewhere`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('selectBackend', () => {
  it('gives a clear TrainError with install instructions for a forced backend that is not installed', async () => {
    const importer = async (spec: string) => {
      if (spec.startsWith('@tensorflow/tfjs-node')) throw notFound(spec);
      return import(spec);
    };
    const gpu = selectBackend('tensorflow-gpu', { importer });
    await expect(gpu).rejects.toBeInstanceOf(TrainError);
    await expect(gpu).rejects.toThrow(
      /backend "tensorflow-gpu" needs the package @tensorflow\/tfjs-node-gpu, which is not installed: install it with `npm install @tensorflow\/tfjs-node-gpu`/,
    );
    await expect(selectBackend('tensorflow', { importer })).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node`/,
    );
  });

  it('fails clearly for a forced native backend with the real loader when the package is absent', async () => {
    let installed = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      installed = false;
    }
    if (installed) return; // nothing to check where tfjs-node is installed
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /needs the package @tensorflow\/tfjs-node, which is not installed/,
    );
  });

  it('reports a missing wasm backend package the same way', async () => {
    const importer = async (spec: string) => {
      if (spec === '@tensorflow/tfjs-backend-wasm') throw notFound(spec);
      return import(spec);
    };
    await expect(selectBackend('wasm', { importer })).rejects.toThrow(
      /backend "wasm" needs the package @tensorflow\/tfjs-backend-wasm, which is not installed/,
    );
  });

  it('auto falls back past missing native packages and records no GPU for non-GPU backends', async () => {
    let probed = false;
    const importer = async (spec: string) => {
      if (spec.startsWith('@tensorflow/tfjs-node')) throw notFound(spec);
      return import(spec);
    };
    const backend = await selectBackend('auto', {
      importer,
      detectGpu: async () => {
        probed = true;
        return null;
      },
    });
    expect(backend.name).toBe('wasm');
    expect(backend.tf.getBackend()).toBe('wasm');
    expect(backend.gpu).toBeUndefined();
    expect(probed).toBe(false);
    const cpu = await selectBackend('cpu', { importer });
    expect(cpu.tf.getBackend()).toBe('cpu');
  });

  it('uses the native package namespace and records the GPU for tensorflow-gpu', async () => {
    const tfjs = await import('@tensorflow/tfjs');
    let setTo = '';
    const fakeNative = {
      ...tfjs,
      setBackend: async (name: string) => {
        setTo = name;
        return true;
      },
      ready: async () => {},
    };
    const backend = await selectBackend('auto', {
      importer: async (spec) => {
        if (spec === '@tensorflow/tfjs-node-gpu') return fakeNative;
        return import(spec);
      },
      detectGpu: async () => ({ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '550.54.15' }),
    });
    expect(backend.name).toBe('tensorflow-gpu');
    expect(backend.tf).toBe(fakeNative);
    expect(setTo).toBe('tensorflow');
    expect(backend.gpu).toBe('NVIDIA H100 80GB HBM3, 81559 MiB, driver 550.54.15');
  });

  it('explains a backend that is installed but fails to start', async () => {
    const tfjs = await import('@tensorflow/tfjs');
    const broken = { ...tfjs, setBackend: async () => false, ready: async () => {} };
    await expect(selectBackend('tensorflow', { importer: async () => broken })).rejects.toThrow(
      /installed but the backend failed to initialise/,
    );
  });
});

describe('detectGpu', () => {
  it('parses nvidia-smi output', async () => {
    const gpu = await detectGpu({
      run: async (cmd, args, timeout) => {
        expect(cmd).toBe('nvidia-smi');
        expect(args).toEqual(['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader']);
        expect(timeout).toBeGreaterThan(0);
        return 'NVIDIA A10G, 23028 MiB, 535.104.05\nNVIDIA A10G, 23028 MiB, 535.104.05\n';
      },
    });
    expect(gpu).toEqual({ name: 'NVIDIA A10G', memoryMiB: 23028, driver: '535.104.05' });
    expect(formatGpu(gpu!)).toBe('NVIDIA A10G, 23028 MiB, driver 535.104.05');
  });

  it('never throws: a missing binary, a timeout or garbage give null', async () => {
    expect(
      await detectGpu({
        run: async () => Promise.reject(Object.assign(new Error('spawn'), { code: 'ENOENT' })),
      }),
    ).toBeNull();
    expect(await detectGpu({ run: async () => '' })).toBeNull();
    expect(parseNvidiaSmi('\n\n')).toBeNull();
    expect(parseNvidiaSmi('Some GPU, [N/A], 1.0')).toMatchObject({ name: 'Some GPU', driver: '1.0' });
    // The real probe on this machine: whatever it finds, it resolves.
    const real = await detectGpu({ timeoutMs: 2000 });
    expect(real === null || typeof real.name === 'string').toBe(true);
  });
});
