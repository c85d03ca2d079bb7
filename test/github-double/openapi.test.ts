import { describe, expect, test } from 'vitest';
import { formatViolation, loadGitHubSpec, type RequestToCheck } from './openapi.js';

const spec = loadGitHubSpec();

function check(method: string, path: string, body?: unknown, query = '') {
  const request: RequestToCheck = {
    method,
    path,
    query: new URLSearchParams(query),
    hasBody: body !== undefined,
    ...(body !== undefined ? { contentType: 'application/json', body } : {}),
  };
  return spec.checkRequest(request);
}

describe('the spec', () => {
  test('loads once per process and knows GitHub’s operations', () => {
    expect(loadGitHubSpec()).toBe(spec);
    expect(spec.openapiVersion).toMatch(/^3\./);
    expect(spec.operationCount).toBeGreaterThan(800);
    expect(spec.loadMs).toBeGreaterThan(0);
    expect(spec.operation('checks/create')?.template).toBe('/repos/{owner}/{repo}/check-runs');
  });
});

describe('route matching', () => {
  test.each([
    ['GET', '/repos/o/r/releases/tags/risk%40v1.0.0', 'repos/get-release-by-tag', { tag: 'risk@v1.0.0' }],
    ['GET', '/repos/o/r/releases/tags/a/b', 'repos/get-release-by-tag', { tag: 'a/b' }],
    ['GET', '/repos/o/r/releases/123', 'repos/get-release', { release_id: '123' }],
    ['GET', '/repos/o/r/releases/latest', 'repos/get-latest-release', {}],
    ['GET', '/repos/o/r/installation', 'apps/get-repo-installation', {}],
    ['GET', '/repos/o/r/releases/assets/9', 'repos/get-release-asset', { asset_id: '9' }],
    ['GET', '/repos/o/r/releases/tags', 'repos/get-release', { release_id: 'tags' }],
    [
      'GET',
      '/repos/o/r/contents/models/risk/model.yml',
      'repos/get-content',
      { path: 'models/risk/model.yml' },
    ],
    ['GET', '/repos/o/r/contents/models%2Frisk.yml', 'repos/get-content', { path: 'models/risk.yml' }],
    ['GET', '/repos/o/r/commits/feature/x/check-runs', 'checks/list-for-ref', { ref: 'feature/x' }],
    [
      'GET',
      '/repos/o/r/commits/abc/pulls',
      'repos/list-pull-requests-associated-with-commit',
      { commit_sha: 'abc' },
    ],
    ['GET', '/repos/o/r/git/matching-refs/tags/risk@v', 'git/list-matching-refs', { ref: 'tags/risk@v' }],
    [
      'GET',
      '/repos/o/r/actions/artifacts/5/zip',
      'actions/download-artifact',
      { artifact_id: '5', archive_format: 'zip' },
    ],
    ['PATCH', '/repos/o/r/issues/comments/77', 'issues/update-comment', { comment_id: '77' }],
    ['PATCH', '/repos/o/r/issues/77', 'issues/update', { issue_number: '77' }],
    [
      'POST',
      '/app/installations/3/access_tokens',
      'apps/create-installation-access-token',
      { installation_id: '3' },
    ],
  ])('%s %s is %s', (method, path, operationId, params) => {
    const match = spec.match(method, path);
    expect(match?.operation.operationId).toBe(operationId);
    const repo = path.startsWith('/repos/') ? { owner: 'o', repo: 'r' } : {};
    expect(match?.params).toEqual({ ...repo, ...params });
  });

  test('an unknown route is a violation', () => {
    const { match, violations } = check('GET', '/repos/o/r/no-such-thing');
    expect(match).toBeNull();
    expect(violations).toHaveLength(1);
    expect(violations[0]?.kind).toBe('unknown-route');
    expect(formatViolation(violations[0]!)).toContain('GET /repos/o/r/no-such-thing');
  });

  test('a known path with the wrong method is unknown', () => {
    expect(spec.match('DELETE', '/repos/o/r/check-runs')).toBeNull();
    expect(spec.match('POST', '/repos/o/r/check-runs')?.operation.operationId).toBe('checks/create');
  });
});

describe('request validation', () => {
  test('a check run with status "bogus" is reported at /status', () => {
    const { violations } = check('POST', '/repos/o/r/check-runs', {
      name: 'x',
      head_sha: 'abc',
      status: 'bogus',
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'body', operationId: 'checks/create', pointer: '/status' });
    expect(violations[0]?.message).toContain('"in_progress"');
    expect(formatViolation(violations[0]!)).toBe(
      '[body] POST /repos/o/r/check-runs (checks/create) /status: must be one of "queued", "in_progress", "completed"',
    );
  });

  test('a missing required property and a wrong type are reported', () => {
    const { violations } = check('POST', '/repos/o/r/check-runs', { name: 3 });
    const messages = violations.map((v) => `${v.pointer} ${v.message}`);
    expect(messages).toContain(" must have property 'head_sha'");
    expect(messages).toContain('/name must be string');
  });

  test('a valid body passes, an unknown property is reported', () => {
    expect(check('POST', '/repos/o/r/issues', { title: 't', body: 'b', labels: ['x'] }).violations).toEqual(
      [],
    );
    const { violations } = check('POST', '/repos/o/r/issues', { title: 't', lables: ['x'] });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'unknown-property', pointer: '/lables' });
  });

  test('nested schema problems are found (annotation level, 51 annotations)', () => {
    const annotation = { path: 'a', start_line: 1, end_line: 1, annotation_level: 'fatal', message: 'm' };
    const { violations } = check('PATCH', '/repos/o/r/check-runs/1', {
      output: { title: 't', summary: 's', annotations: [annotation] },
    });
    expect(violations.map((v) => v.pointer)).toContain('/output/annotations/0/annotation_level');
    const many = Array.from({ length: 51 }, () => ({ ...annotation, annotation_level: 'notice' }));
    const tooMany = check('PATCH', '/repos/o/r/check-runs/1', {
      output: { title: 't', summary: 's', annotations: many },
    });
    expect(tooMany.violations.map((v) => v.message)).toContain('must NOT have more than 50 items');
  });

  test('path and query parameters are checked against their schemas', () => {
    const badId = check('GET', '/repos/o/r/releases/assets/abc');
    expect(badId.violations).toMatchObject([{ kind: 'path-param', pointer: 'path/asset_id' }]);
    const badEnum = check('GET', '/repos/o/r/issues', undefined, 'state=everything&per_page=ten');
    expect(badEnum.violations.map((v) => v.pointer).sort()).toEqual(['query/per_page', 'query/state']);
    const unknown = check('GET', '/repos/o/r/git/matching-refs/tags/x', undefined, 'per_page=100');
    expect(unknown.violations).toMatchObject([{ kind: 'query-param', pointer: 'query/per_page' }]);
    const fine = check(
      'GET',
      '/repos/o/r/issues',
      undefined,
      'state=all&sort=updated&direction=desc&per_page=100',
    );
    expect(fine.violations).toEqual([]);
  });

  test('a body sent to an operation without one, and a missing required body, are reported', () => {
    expect(check('GET', '/repos/o/r/pulls/1', { x: 1 }).violations[0]?.kind).toBe('body');
    expect(check('POST', '/repos/o/r/git/refs').violations[0]?.message).toBe('request body is required');
  });
});

describe('response validation', () => {
  test('a response missing required fields is reported; a valid one is not', () => {
    const match = spec.match('GET', '/repos/o/r/git/ref/tags/x')!;
    const good = {
      ref: 'refs/tags/x',
      node_id: 'n',
      url: 'http://127.0.0.1/repos/o/r/git/refs/tags/x',
      object: { type: 'commit', sha: 'a'.repeat(40), url: 'http://127.0.0.1/x' },
    };
    expect(spec.checkResponse(match, 200, good)).toEqual([]);
    const bad = spec.checkResponse(match, 200, { ref: 'refs/tags/x' });
    expect(bad.map((v) => v.message)).toContain("the double's 200 response must have property 'object'");
    expect(spec.checkResponse(match, 599, {})).toEqual([]);
  });
});
