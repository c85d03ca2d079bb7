import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { clientFor, failure } from './clients.js';
import { type GitHubDouble, startGitHubDouble } from './server.js';

let double: GitHubDouble;
const repo = { owner: 'acme', repo: 'models' };
const SHA = 'a'.repeat(40);

beforeEach(async () => {
  double = await startGitHubDouble();
  double.state.addRepo({ owner: 'acme', repo: 'models' }).addCommit(SHA, 'Train risk');
});

afterEach(async () => {
  await double.close();
});

async function annotatedTag(octokit: ReturnType<typeof clientFor>, name: string) {
  const tag = await octokit.request('POST /repos/{owner}/{repo}/git/tags', {
    ...repo,
    tag: name,
    message: `release ${name}`,
    object: SHA,
    type: 'commit',
  });
  return octokit.request('POST /repos/{owner}/{repo}/git/refs', {
    ...repo,
    ref: `refs/tags/${name}`,
    sha: tag.data.sha,
  });
}

describe('tags', () => {
  test('annotated tags: tag object, ref, matching refs, peeling', async () => {
    const octokit = clientFor(double);
    await annotatedTag(octokit, 'risk@v1.0.0');
    await annotatedTag(octokit, 'risk@v1.1.0');
    double.state.repo().addTag('churn@v1.0.0', SHA);
    const refs = await octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
      ...repo,
      ref: 'tags/risk@v',
    });
    expect(refs.data.map((r) => [r.ref, r.object.type])).toEqual([
      ['refs/tags/risk@v1.0.0', 'tag'],
      ['refs/tags/risk@v1.1.0', 'tag'],
    ]);
    const tag = await octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
      ...repo,
      tag_sha: refs.data[0]!.object.sha,
    });
    expect(tag.data).toMatchObject({
      tag: 'risk@v1.0.0',
      message: 'release risk@v1.0.0',
      object: { sha: SHA, type: 'commit' },
    });
    const none = await octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
      ...repo,
      ref: 'tags/nothing',
    });
    expect(none.data).toEqual([]);
    double.assertClean();
  });

  test('a taken tag name is 422 "Reference already exists"; of two concurrent creations one wins', async () => {
    const octokit = clientFor(double);
    const results = await Promise.allSettled([
      annotatedTag(octokit, 'risk@v2.0.0'),
      annotatedTag(octokit, 'risk@v2.0.0'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.status).toBe(422);
    expect(rejected.reason.response.data.message).toBe('Reference already exists');
    expect(double.state.repo().tagNames('risk@')).toEqual(['risk@v2.0.0']);
    double.assertClean();
  });

  test('a tag on an unknown object, and a malformed ref, are 422', async () => {
    const octokit = clientFor(double);
    const unknown = await failure(
      octokit.request('POST /repos/{owner}/{repo}/git/tags', {
        ...repo,
        tag: 'x',
        message: 'm',
        object: 'b'.repeat(40),
        type: 'commit',
      }),
    );
    expect(unknown).toMatchObject({ status: 422, data: { message: 'Object does not exist' } });
    const malformed = await failure(
      octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'tags/x', sha: SHA }),
    );
    expect(malformed.status).toBe(422);
    double.assertClean();
  });
});

describe('releases', () => {
  test('create, list newest first, get by tag, update; a second release of a tag is 422 already_exists', async () => {
    const octokit = clientFor(double);
    await annotatedTag(octokit, 'risk@v1.0.0');
    const created = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v1.0.0',
      name: 'risk v1.0.0',
      body: 'notes',
      make_latest: 'false',
    });
    expect(created.status).toBe(201);
    expect(created.data.upload_url).toBe(
      `${double.origin}/uploads/repos/acme/models/releases/${created.data.id}/assets{?name,label}`,
    );
    expect(created.data.author.login).toBe('github-actions[bot]');
    const dup = await failure(
      octokit.request('POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'risk@v1.0.0' }),
    );
    expect(dup.status).toBe(422);
    expect(dup.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
    });
    const second = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v1.1.0',
    });
    const list = await octokit.request('GET /repos/{owner}/{repo}/releases', repo);
    expect(list.data.map((r) => r.id)).toEqual([second.data.id, created.data.id]);
    const byTag = await octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', {
      ...repo,
      tag: 'risk@v1.0.0',
    });
    expect(byTag.data.id).toBe(created.data.id);
    const updated = await octokit.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      ...repo,
      release_id: created.data.id,
      body: 'more notes',
    });
    expect(updated.data.body).toBe('more notes');
    double.assertClean();
  });

  test('a published release creates its missing tag; a draft does not until published; get-by-tag skips drafts', async () => {
    const octokit = clientFor(double);
    await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v3.0.0',
      target_commitish: SHA,
    });
    expect(double.state.repo().resolveRef('risk@v3.0.0')).toBe(SHA);
    const draft = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v4.0.0',
      target_commitish: SHA,
      draft: true,
    });
    expect(draft.data.published_at).toBeNull();
    expect(double.state.repo().refs.has('refs/tags/risk@v4.0.0')).toBe(false);
    const hidden = await failure(
      octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...repo, tag: 'risk@v4.0.0' }),
    );
    expect(hidden.status).toBe(404);
    await octokit.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      ...repo,
      release_id: draft.data.id,
      draft: false,
    });
    expect(double.state.repo().resolveRef('risk@v4.0.0')).toBe(SHA);
    const visible = await octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', {
      ...repo,
      tag: 'risk@v4.0.0',
    });
    expect(visible.data).toMatchObject({ draft: false, id: draft.data.id });
    expect(visible.data.published_at).not.toBeNull();
    double.assertClean();
  });

  test('assets: upload to upload_url, duplicate name 422, download by 302 to the bytes, delete', async () => {
    const octokit = clientFor(double);
    const release = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v1.0.0',
      target_commitish: SHA,
    });
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const upload = (name: string) =>
      octokit.request({
        method: 'POST',
        url: release.data.upload_url,
        name,
        data: bytes,
        headers: { 'content-type': 'application/zip', 'content-length': bytes.byteLength },
      });
    const uploaded = await upload('model.zip');
    expect(uploaded.status).toBe(201);
    expect(uploaded.data).toMatchObject({
      name: 'model.zip',
      size: 70_000,
      content_type: 'application/zip',
      state: 'uploaded',
    });
    expect(double.requests.at(-1)).toMatchObject({
      host: 'uploads',
      operationId: 'repos/upload-release-asset',
      bodyBytes: 70_000,
    });
    const dup = await failure(upload('model.zip'));
    expect(dup.data).toMatchObject({
      errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
    });

    const raw = await fetch(`${double.url}/repos/acme/models/releases/assets/${uploaded.data.id}`, {
      headers: { authorization: 'token t', accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(raw.status).toBe(302);
    const location = raw.headers.get('location') ?? '';
    expect(location).toBe(`${double.origin}/_blobs/asset-${uploaded.data.id}`);
    const blob = new Uint8Array(await (await fetch(location)).arrayBuffer());
    expect(blob).toEqual(bytes);

    const viaOctokit = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: uploaded.data.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(new Uint8Array(viaOctokit.data as unknown as ArrayBuffer)).toEqual(bytes);
    const meta = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: uploaded.data.id,
    });
    expect(meta.data.download_count).toBe(2);

    await octokit.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: uploaded.data.id,
    });
    expect(double.state.repo().assets).toHaveLength(0);
    const gone = await failure(
      octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        ...repo,
        asset_id: uploaded.data.id,
      }),
    );
    expect(gone.status).toBe(404);
    double.assertClean();
  });

  test('GHES: upload_url points at /api/uploads and the upload lands there', async () => {
    const octokit = clientFor(double, 'tok', 'ghes');
    const release = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v1.0.0',
      target_commitish: SHA,
    });
    expect(release.data.upload_url).toBe(
      `${double.origin}/api/uploads/repos/acme/models/releases/${release.data.id}/assets{?name,label}`,
    );
    const uploaded = await octokit.request({
      method: 'POST',
      url: release.data.upload_url,
      name: 'run.json',
      label: 'Run record',
      data: '{"ok":true}',
      headers: { 'content-type': 'application/json' },
    });
    expect(uploaded.data).toMatchObject({ name: 'run.json', label: 'Run record', size: 11 });
    expect(uploaded.data.url).toBe(
      `${double.origin}/api/v3/repos/acme/models/releases/assets/${uploaded.data.id}`,
    );
    expect(double.requests.at(-1)).toMatchObject({ host: 'uploads', layout: 'ghes' });
    double.assertClean();
  });

  test('an upload sent to the API host instead of upload_url is a violation', async () => {
    const octokit = clientFor(double);
    const release = await octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...repo,
      tag_name: 'risk@v1.0.0',
      target_commitish: SHA,
    });
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/releases/{release_id}/assets', {
        ...repo,
        release_id: release.data.id,
        name: 'x.txt',
        data: 'x',
        headers: { 'content-type': 'text/plain' },
      }),
    );
    expect(status).toBe(404);
    expect(double.violations.map((v) => v.message).join()).toContain('upload_url host');
  });
});
