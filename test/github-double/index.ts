/**
 * The GitHub test double for integration tests of the App and the Actions: a real HTTP server with
 * in-memory GitHub state whose every request is checked against GitHub's OpenAPI description, plus
 * GitHub's example webhook payloads delivered as signed POSTs. See README.md next to this file.
 */
export {
  adjustExample,
  deliverWebhook,
  type ExampleAdjustment,
  exampleEventNames,
  loadExample,
  signWebhook,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookResponse,
} from './deliver.js';
export {
  formatViolation,
  GitHubSpec,
  loadGitHubSpec,
  OpenApiSpecError,
  type RouteMatch,
  type SpecOperationInfo,
  type Violation,
  type ViolationKind,
} from './openapi.js';
export { type DoubleUrls, urlsFor } from './render.js';
export {
  type GitHubDouble,
  type GitHubDoubleOptions,
  GitHubDoubleViolationError,
  type RateLimitOptions,
  type RecordedRequest,
  ROUTES,
  startGitHubDouble,
} from './server.js';
export * from './state.js';
