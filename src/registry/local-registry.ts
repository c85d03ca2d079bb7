/**
 * A folder-backed registry (default `.modelgate/`), like MLflow's file store: each version is a
 * folder `models/<model>/<X.Y.Z>/` holding the run folder's files and `version.json`. Registration
 * is atomic (copy to a temporary folder, then rename), so two concurrent registrations of the same
 * version cannot both succeed.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadJsonFile } from '../config/load.js';
import { MODEL_NAME_PATTERN } from '../config/model-config.js';
import { RunRecordSchema } from '../config/run-record.js';
import { RegistryError } from '../errors.js';
import { ModelVersionSchema } from './model-version-schema.js';
import type { ModelVersion, RegisterOptions, Registry } from './registry.js';
import { bumpSemver, compareSemver, formatSemver, parseSemver, versionTag } from './semver.js';

/** The folder registry. `clock` is injectable for tests. */
export class LocalRegistry implements Registry {
  /** Absolute registry root. */
  readonly root: string;
  private readonly clock: () => Date;

  constructor(root = '.modelgate', clock: () => Date = () => new Date()) {
    this.root = resolve(root);
    this.clock = clock;
  }

  private modelDir(model: string): string {
    if (!MODEL_NAME_PATTERN.test(model))
      throw new RegistryError(`invalid model name ${JSON.stringify(model)}`);
    return join(this.root, 'models', model);
  }

  /** {@inheritDoc Registry.list} */
  async list(model: string): Promise<ModelVersion[]> {
    let names: string[];
    try {
      names = await readdir(this.modelDir(model));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const versions = names.map((n) => ({ n, v: parseSemver(n) })).filter((x) => x.v !== null);
    versions.sort((a, b) => compareSemver(b.v!, a.v!));
    const out: ModelVersion[] = [];
    for (const { n } of versions) {
      out.push(await loadJsonFile(join(this.modelDir(model), n, 'version.json'), ModelVersionSchema));
    }
    return out;
  }

  /** {@inheritDoc Registry.latest} */
  async latest(model: string): Promise<ModelVersion | null> {
    return (await this.list(model))[0] ?? null;
  }

  /** {@inheritDoc Registry.get} */
  async get(model: string, version: string): Promise<ModelVersion | null> {
    const v = parseSemver(version);
    if (!v) throw new RegistryError(`invalid version ${JSON.stringify(version)}: expected X.Y.Z`);
    try {
      return await loadJsonFile(
        join(this.modelDir(model), formatSemver(v), 'version.json'),
        ModelVersionSchema,
      );
    } catch (e) {
      if (/file not found/.test((e as Error).message)) return null;
      throw e;
    }
  }

  /** {@inheritDoc Registry.register} */
  async register(runDir: string, options: RegisterOptions = {}): Promise<ModelVersion> {
    const run = await loadJsonFile(join(runDir, 'run.json'), RunRecordSchema);
    if (run.status !== 'succeeded') {
      throw new RegistryError(
        `${join(runDir, 'run.json')}: run ${run.id} has status "${run.status}"; only succeeded runs can be registered`,
      );
    }
    let version: string;
    if (options.version !== undefined) {
      const v = parseSemver(options.version);
      if (!v) throw new RegistryError(`invalid version ${JSON.stringify(options.version)}: expected X.Y.Z`);
      version = formatSemver(v);
    } else {
      const latest = await this.latest(run.model);
      version = formatSemver(
        bumpSemver(latest ? parseSemver(latest.version) : null, options.bump ?? 'minor'),
      );
    }
    const entry: ModelVersion = {
      model: run.model,
      version,
      tag: versionTag(run.model, version),
      created_at: this.clock().toISOString(),
      run_id: run.id,
      git_sha: run.git.sha,
      metrics: run.metrics.overall,
      ...(options.approver ? { approver: options.approver } : {}),
      ...(options.notes ? { notes: options.notes } : {}),
    };
    const dir = this.modelDir(run.model);
    await mkdir(dir, { recursive: true });
    // Unique per call: two registrations in the same process and millisecond must not share it.
    const tmp = join(dir, `.tmp-${version}-${process.pid}-${randomBytes(6).toString('hex')}`);
    await cp(runDir, tmp, { recursive: true });
    try {
      await writeFile(join(tmp, 'version.json'), `${JSON.stringify(entry, null, 2)}\n`);
      const extra = options.extraFiles ? await options.extraFiles(entry) : {};
      for (const [name, text] of Object.entries(extra)) {
        if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
          throw new RegistryError(`invalid extra file name ${JSON.stringify(name)}`);
        }
        await writeFile(join(tmp, name), text);
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    try {
      await rename(tmp, join(dir, version));
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new RegistryError(`${entry.tag} already exists in ${this.root}; versions are immutable`);
      }
      throw e;
    }
    return entry;
  }

  /** {@inheritDoc Registry.materialise} */
  async materialise(model: string, version: string): Promise<string> {
    const v = await this.get(model, version);
    if (!v) throw new RegistryError(`${versionTag(model, version)} not found in ${this.root}`);
    return join(this.modelDir(model), v.version);
  }

  /** Reads the run record stored with a version. */
  async runRecord(model: string, version: string) {
    const dir = await this.materialise(model, version);
    return loadJsonFile(join(dir, 'run.json'), RunRecordSchema);
  }

  /** Raw text of a file inside a version folder (for tests and the CLI). */
  async readFile(model: string, version: string, file: string): Promise<string> {
    return readFile(join(await this.materialise(model, version), file), 'utf8');
  }
}
